import { STORAGE_OPTIONS } from '../../io/storage/storage-options.js';
import { tableCell } from './markdown.js';

const SCOPE = { s3: '`s3://`, `s3a://`', gcs: '`gs://`', azure: 'Azure', any: 'all' } as const;

/** The options table of docs/object-storage.md, from io/storage/storage-options.ts. */
export function renderStorageOptions(): string {
  const rows = STORAGE_OPTIONS.map((o) => {
    const names = o.env.length === 0 ? `\`${o.name.toLowerCase()}\` (config), \`${o.name}\` (\`--storage\`)` : o.env.map((e) => `\`${e}\``).join(', ');
    return `| ${names} | ${SCOPE[o.scope]} | ${o.default === null ? '—' : `\`${o.default}\``} | ${o.secret ? 'yes' : ''} | ${tableCell(o.description)} |`;
  });
  return ['| option (environment) | for | default | secret | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}
