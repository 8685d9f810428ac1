import { StorageError } from '../errors.js';

/** Which URLs an option applies to ('any': every provider, or the engine's own handling). */
export type OptionScope = 's3' | 'gcs' | 'azure' | 'any';

/** One storage option: named as delta-rs / object_store name it (the environment variable; lower case in a config file). */
export interface StorageOptionSpec {
  name: string;
  scope: OptionScope;
  /** Never printed, logged or stored (the manifest and `campaign config` show `(set)`). */
  secret: boolean;
  kind: 'string' | 'bool' | 'int';
  /** Largest value of an `int` option: a duration past it would overflow Node's timers (2^31−1 ms), which fire at once. */
  max?: number;
  /** Environment variables read for it, in order; empty: config file or command line only. */
  env: readonly string[];
  /** Default, as text; null: unset. */
  default: string | null;
  description: string;
}

const spec = (name: string, scope: OptionScope, description: string, more: Partial<StorageOptionSpec> = {}): StorageOptionSpec => ({
  name,
  scope,
  secret: false,
  kind: 'string',
  env: [name],
  default: null,
  description,
  ...more,
});

/**
 * Every storage option. Credentials are best left to the SDKs' default chains (see
 * docs/object-storage.md); the options are for what those chains do not cover.
 */
export const STORAGE_OPTIONS: readonly StorageOptionSpec[] = [
  spec('AWS_REGION', 's3', "The bucket's region. Unset: the SDK's region chain (AWS_DEFAULT_REGION, the profile's `region`), else the bucket's own answer (HeadBucket); never a silent default.", {
    env: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
  }),
  spec('AWS_ENDPOINT_URL', 's3', 'An S3-compatible endpoint (MinIO, Ceph, R2, …), e.g. `http://127.0.0.1:9000`; requests then use path-style addressing unless AWS_VIRTUAL_HOSTED_STYLE_REQUEST is true.', {
    env: ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'],
  }),
  spec('AWS_ALLOW_HTTP', 's3', 'Allow an `http://` endpoint (refused otherwise).', { kind: 'bool', default: 'false' }),
  spec('AWS_VIRTUAL_HOSTED_STYLE_REQUEST', 's3', 'Address buckets as `bucket.endpoint` instead of `endpoint/bucket` (default: true on AWS, false with AWS_ENDPOINT_URL).', { kind: 'bool' }),
  spec('AWS_ACCESS_KEY_ID', 's3', 'Static access key id (with AWS_SECRET_ACCESS_KEY). Unset: the AWS SDK default credential chain.', { secret: true }),
  spec('AWS_SECRET_ACCESS_KEY', 's3', 'Static secret key.', { secret: true }),
  spec('AWS_SESSION_TOKEN', 's3', 'Session token of temporary static keys.', { secret: true }),
  spec('AWS_PROFILE', 's3', 'Profile of ~/.aws/config and ~/.aws/credentials (SSO, role, process credentials) for the default chain.'),
  spec('AWS_SKIP_SIGNATURE', 's3', 'Send unsigned requests (public buckets).', { kind: 'bool', default: 'false' }),
  spec('GOOGLE_HMAC_KEY_ID', 'gcs', "HMAC key id of a service account (Cloud Storage → Settings → Interoperability): gs:// is read through GCS's S3-compatible XML API.", { secret: true }),
  spec('GOOGLE_HMAC_SECRET', 'gcs', 'HMAC secret.', { secret: true }),
  spec('GOOGLE_ENDPOINT_URL', 'gcs', 'The XML API endpoint.', { default: 'https://storage.googleapis.com' }),
  spec('GOOGLE_ALLOW_HTTP', 'gcs', 'Allow an `http://` GOOGLE_ENDPOINT_URL.', { kind: 'bool', default: 'false' }),
  spec('AZURE_STORAGE_ACCOUNT_NAME', 'azure', 'Storage account of `az://container/…` URLs (abfss:// and https:// URLs name it themselves).'),
  spec('AZURE_STORAGE_ACCOUNT_KEY', 'azure', 'Shared key of the account.', { secret: true, env: ['AZURE_STORAGE_ACCOUNT_KEY', 'AZURE_STORAGE_KEY'] }),
  spec('AZURE_STORAGE_SAS_TOKEN', 'azure', 'A SAS token (`sv=…&sig=…`) with read and list permissions.', { secret: true }),
  spec('AZURE_STORAGE_CONNECTION_STRING', 'azure', 'A connection string (account and key or SAS, endpoints).', { secret: true }),
  spec('AZURE_STORAGE_ENDPOINT', 'azure', 'The Blob endpoint, e.g. `http://127.0.0.1:10000/devstoreaccount1` (default `https://<account>.blob.core.windows.net`). The `dfs` endpoint is never used.'),
  spec('AZURE_STORAGE_USE_EMULATOR', 'azure', "Use Azurite on 127.0.0.1:10000 with its well-known development account.", { kind: 'bool', default: 'false' }),
  spec('AZURE_ALLOW_HTTP', 'azure', 'Allow an `http://` AZURE_STORAGE_ENDPOINT.', { kind: 'bool', default: 'false' }),
  spec('CACHE_DIR', 'any', 'Directory of the local cache of immutable files (default `<state>/cache`).', { env: [] }),
  spec('CACHE_MAX_BYTES', 'any', 'Size cap of the cache; least recently used files are evicted beyond it.', { kind: 'int', env: [], default: String(20 * 1024 ** 3) }),
  spec('CONCURRENCY', 'any', 'Requests in flight at once, over every file.', { kind: 'int', env: [], default: '8' }),
  spec('MAX_RETRIES', 'any', 'Retries of one request (5xx, 429, SlowDown, timeouts, resets).', { kind: 'int', env: [], default: '10' }),
  spec('RETRY_TIMEOUT', 'any', 'Seconds one request may spend retrying before the run stops (at most 86400).', { kind: 'int', env: [], default: '180', max: 86_400 }),
  spec('TIMEOUT', 'any', 'Seconds without a byte from the server before a request is abandoned and retried (at most 3600).', { kind: 'int', env: [], default: '30', max: 3_600 }),
];

const BY_NAME = new Map(STORAGE_OPTIONS.map((o) => [o.name, o]));

/** What a secret's value is shown as, wherever options are printed or stored. */
export const REDACTED = '(set)';

/** Whether the option `name` (either case) holds a secret. */
export function isSecretOption(name: string): boolean {
  return BY_NAME.get(name.toUpperCase())?.secret ?? false;
}

/** Where an option's value came from, for messages (never the value of a secret). */
export type OptionSource = 'command line' | 'config' | 'environment' | 'default';

export interface OptionValue {
  value: string;
  source: OptionSource;
  /** The variable or key it was read from. */
  from: string;
}

/** Resolved storage options: command line over config over environment over default. */
export class StorageOptions {
  private constructor(private readonly values: ReadonlyMap<string, OptionValue>) {}

  /**
   * Resolves every option. `config` is the `storage:` section of a config file (lower-case keys) and
   * `cli` the command line's `--storage KEY=VALUE` pairs (either case); an unknown name or a value
   * of the wrong kind is a StorageError naming it.
   */
  static resolve(sources: { env?: NodeJS.ProcessEnv; config?: Readonly<Record<string, unknown>>; cli?: Readonly<Record<string, string>> } = {}): StorageOptions {
    const values = new Map<string, OptionValue>();
    for (const o of STORAGE_OPTIONS) {
      if (o.default !== null) values.set(o.name, { value: o.default, source: 'default', from: o.name });
      for (const variable of [...o.env].reverse()) {
        const v = sources.env?.[variable];
        if (v !== undefined && v !== '') values.set(o.name, { value: v, source: 'environment', from: variable });
      }
    }
    for (const [key, raw] of Object.entries(sources.config ?? {})) {
      const o = optionNamed(key, 'storage.');
      values.set(o.name, { value: checked(o, typeof raw === 'string' ? raw : String(raw), `storage.${key}`), source: 'config', from: `storage.${key}` });
    }
    for (const [key, raw] of Object.entries(sources.cli ?? {})) {
      const o = optionNamed(key, '--storage ');
      values.set(o.name, { value: checked(o, raw, `--storage ${key}`), source: 'command line', from: `--storage ${key}` });
    }
    for (const [name, v] of values) if (v.source === 'environment') checked(BY_NAME.get(name)!, v.value, v.from);
    return new StorageOptions(values);
  }

  get(name: string): OptionValue | null {
    if (!BY_NAME.has(name)) throw new Error(`unknown storage option ${name}`);
    return this.values.get(name) ?? null;
  }

  string(name: string): string | null {
    return this.get(name)?.value ?? null;
  }

  bool(name: string): boolean {
    const v = this.string(name);
    return v !== null && /^(true|1|yes)$/i.test(v);
  }

  int(name: string): number {
    const v = this.string(name);
    if (v === null) throw new Error(`storage option ${name} has no value`);
    return Number(v);
  }

  /** Where `name` came from, e.g. `AWS_REGION (environment)`. */
  describe(name: string): string {
    const v = this.get(name);
    return v === null ? `${name} (unset)` : `${v.from} (${v.source})`;
  }

  /** Every secret value in effect (for scrubbing messages that might echo one). */
  secrets(): string[] {
    return [...this.values].filter(([name, v]) => BY_NAME.get(name)!.secret && v.value.length >= 4).map(([, v]) => v.value);
  }
}

function optionNamed(key: string, where: string): StorageOptionSpec {
  const o = BY_NAME.get(key.toUpperCase());
  if (o === undefined) throw new StorageError(`${where}${key}`, `unknown storage option (known: ${STORAGE_OPTIONS.map((s) => s.name.toLowerCase()).join(', ')})`);
  return o;
}

function checked(o: StorageOptionSpec, value: string, where: string): string {
  if (o.kind === 'bool' && !/^(true|false|1|0|yes|no)$/i.test(value)) throw new StorageError(where, `must be true or false`);
  if (o.kind === 'int' && !/^\d+$/.test(value)) throw new StorageError(where, `must be a whole number ≥ 0`);
  if (o.kind === 'int' && ['CONCURRENCY'].includes(o.name) && Number(value) < 1) throw new StorageError(where, `must be at least 1`);
  if (o.kind === 'int' && o.max !== undefined && Number(value) > o.max) throw new StorageError(where, `must be at most ${o.max}`);
  return value;
}

/** `text` with every secret in `secrets` replaced by `***` (an SDK message may echo a key or a SAS). */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    out = out.split(s).join('***');
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out = out.split(encoded).join('***');
  }
  // A SAS signature or an access key id in a URL the SDK echoes, even when it came from elsewhere.
  return out.replace(/([?&]sig=)[^&\s"']+/gi, '$1***').replace(/(X-Amz-Credential=)[^&\s"']+/gi, '$1***').replace(/(X-Amz-Signature=)[^&\s"']+/gi, '$1***');
}
