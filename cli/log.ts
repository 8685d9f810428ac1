/**
 * Everything a command writes to stderr goes through here, so one option picks its form for the
 * whole process: `text` (a person reading a terminal or a log: `campaign: …` lines) or `json`
 * (`--log-format json`: one JSON object per line for a log pipeline, with the time, level,
 * command, run id, phase, event and its fields). stdout stays the command's result. Records go
 * through console.error, the one writer of stderr (tests watch it).
 */
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Fields of one log record besides time, level, command, run id and message. */
export interface LogFields {
  phase?: string;
  [field: string]: unknown;
}

interface LogState {
  format: LogFormat;
  command: string | null;
  runId: string | null;
}

const state: LogState = { format: 'text', command: null, runId: null };

export function configureLog(format: LogFormat, command: string | null): void {
  state.format = format;
  state.command = command;
}

export function logFormat(): LogFormat {
  return state.format;
}

/** From the moment a command knows its run id, every record carries it. */
export function setLogRunId(runId: string): void {
  state.runId = runId;
}

/**
 * Writes one record: in text, `campaign: [warning: ]message` (`debug` records without the prefix,
 * as the progress lines are); in JSON, the whole record.
 */
export function log(level: LogLevel, event: string, message: string, fields: LogFields = {}): void {
  if (state.format === 'json') {
    const record = { time: new Date().toISOString(), level, command: state.command, run_id: state.runId, event, message, ...fields };
    console.error(JSON.stringify(record));
    return;
  }
  const prefix = level === 'warn' ? 'campaign: warning: ' : level === 'debug' ? '' : 'campaign: ';
  console.error(`${prefix}${message}`);
}

/** Text written as is in text mode (a usage block, a stack); one `error` record in JSON. */
export function logBlock(level: LogLevel, event: string, text: string, fields: LogFields = {}): void {
  if (state.format === 'json') log(level, event, text, fields);
  else console.error(text);
}
