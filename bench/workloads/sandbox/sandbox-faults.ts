/**
 * Faults the CleverTap sandbox injects. `next: N` hits the next N upload requests (counted from
 * when the faults were set); `probability` hits each request with that chance (seeded, so a run
 * is reproducible). Both may be given.
 */
export interface RequestFault {
  next?: number;
  probability?: number;
}

export interface SandboxFaults {
  /** Answer 429, optionally with `Retry-After: retryAfterSeconds`. */
  rateLimit?: RequestFault & { retryAfterSeconds?: number };
  /** Answer `status` (default 503) without processing. */
  serverError?: RequestFault & { status?: number };
  /**
   * Wait `ms` before answering. By default before processing, and a client that gave up (timed
   * out) meanwhile gets nothing processed; `processLate` processes the records after the wait even
   * then, like a server whose queue is slower than the client's timeout; `afterProcessing` records
   * first, then waits, like a server whose answer is slow to come back.
   */
  slow?: RequestFault & { ms: number; afterProcessing?: boolean; processLate?: boolean };
  /** Destroy the socket mid-request; `afterProcessing` destroys it after the records were accepted. */
  drop?: RequestFault & { afterProcessing?: boolean };
  /**
   * Refuse records in a 200's `unprocessed`: each valid record fails with probability `transient`
   * (code `transientCode`, default 555, a fresh draw per attempt) or, decided once per record by a
   * hash of its key, `permanent` (code `permanentCode`, default 512).
   */
  unprocessed?: { transient?: number; permanent?: number; transientCode?: number; permanentCode?: number };
  /** Once this many records were accepted, the next upload crashes the server (nothing of it is processed). */
  crash?: { afterRecords: number };
  seed?: number;
}

const NAMES: Record<string, keyof SandboxFaults> = {
  '429': 'rateLimit',
  'rate-limit': 'rateLimit',
  '5xx': 'serverError',
  'server-error': 'serverError',
  slow: 'slow',
  drop: 'drop',
  unprocessed: 'unprocessed',
  crash: 'crash',
  seed: 'seed',
};

const KEYS: Record<string, string> = {
  next: 'next',
  p: 'probability',
  probability: 'probability',
  'retry-after': 'retryAfterSeconds',
  status: 'status',
  ms: 'ms',
  'after-processing': 'afterProcessing',
  'process-late': 'processLate',
  transient: 'transient',
  permanent: 'permanent',
  'transient-code': 'transientCode',
  'permanent-code': 'permanentCode',
  after: 'afterRecords',
};

const FLAGS: ReadonlySet<string> = new Set(['afterProcessing', 'processLate']);

/**
 * Parses the `--faults` text of `campaign sandbox-clevertap`: a JSON object of SandboxFaults, or
 * `name:key=value,…;name:…`, e.g. `429:next=20,retry-after=1;5xx:p=0.05;slow:ms=500,p=0.1,process-late;
 * drop:next=2;unprocessed:transient=0.01,permanent=0.001;crash:after=50000;seed:7`.
 * Throws an Error naming the part it cannot read.
 */
export function parseFaultSpec(text: string): SandboxFaults {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return JSON.parse(trimmed) as SandboxFaults;
  const faults: Record<string, unknown> = {};
  for (const part of trimmed.split(';').map((p) => p.trim()).filter((p) => p !== '')) {
    const [rawName, rawArgs = ''] = part.split(/:(.*)/s, 2) as [string, string?];
    const name = NAMES[rawName.trim()];
    if (name === undefined) throw new Error(`unknown fault '${rawName}' in '${part}' (known: ${Object.keys(NAMES).join(', ')})`);
    if (name === 'seed') {
      faults['seed'] = toNumber(rawArgs, part);
      continue;
    }
    const args: Record<string, number | boolean> = {};
    for (const kv of rawArgs.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      const [k, v] = kv.split('=', 2) as [string, string?];
      const key = KEYS[k.trim()];
      if (key === undefined) throw new Error(`unknown setting '${k}' in '${part}'`);
      args[key] = FLAGS.has(key) ? v === undefined || v === 'true' || v === '1' : toNumber(v ?? '', part);
    }
    faults[name] = args;
  }
  return faults as SandboxFaults;
}

function toNumber(text: string, part: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`'${text}' in '${part}' is not a non-negative number`);
  return n;
}
