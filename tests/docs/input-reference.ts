import { INPUT_TABLES, OPTIONAL_TABLES, type TableName } from '../../io/input/input-schema.js';
import { INPUT_NOTES } from './input-column-notes.js';
import { tableCell } from './markdown.js';

const TYPE_TEXT: Record<string, string> = {
  int: 'integer (any Parquet integer width; ids up to 2^53 − 1)',
  string: 'string',
  bool: 'boolean',
  date: 'DATE',
  timestamp: 'TIMESTAMP (s, ms, µs or ns; UTC) or INT64 epoch milliseconds',
};

/** Every `table` and `table.column` key the notes must have, from the engine's input contract. */
export function inputNoteKeys(): string[] {
  return Object.entries(INPUT_TABLES).flatMap(([table, columns]) => [table, ...columns.map((c) => `${table}.${c.name}`)]);
}

function note(key: string): string {
  const text = INPUT_NOTES[key];
  if (text === undefined) throw new Error(`input contract '${key}' has no text in tests/docs/input-column-notes.ts`);
  return text;
}

/** The tables section of docs/inputs.md: one heading and column table per input table. */
export function renderInputReference(): string {
  const out: string[] = [];
  for (const [table, columns] of Object.entries(INPUT_TABLES)) {
    const optional = OPTIONAL_TABLES.includes(table as TableName);
    out.push(`### \`${table}\`${optional ? ' (optional)' : ''}`, '', note(table), '');
    out.push('| column | type | null allowed | meaning |', '|---|---|---|---|');
    for (const c of columns) out.push(`| \`${c.name}\` | ${TYPE_TEXT[c.type]} | ${c.nullable ? 'yes' : 'no'} | ${tableCell(note(`${table}.${c.name}`))} |`);
    out.push('');
  }
  return out.join('\n').trimEnd();
}
