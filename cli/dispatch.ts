import { CampaignError } from '../engine/errors.js';
import { ENGINE_VERSION } from '../engine/version.js';
import { EXIT_STATUSES, SIGNAL_NUMBERS } from '../io/exit-codes.js';
import { closestMatch } from '../kernels/edit-distance.js';
import type { CommandEntry } from './command.js';
import { receivedSignal } from './interrupts.js';
import { configureLog, log, logBlock, LOG_FORMATS } from './log.js';
import type { LogFormat } from './log.js';

function help(program: string, commands: readonly CommandEntry[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `usage: ${program} <command> [options]`,
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `'${program} help <command>' (or '<command> --help') shows a command's options; '${program} --version' its version.`,
    `Every command takes --log-format text|json (json: one JSON object per line on stderr).`,
    `Exit status: ${Object.entries(EXIT_STATUSES)
      .map(([name, s]) => `${name === 'ABORTED' ? '128+n' : s.code} ${name}`)
      .join(', ')}.`,
  ].join('\n');
}

/** Commands another entry point runs: `campaign generate` says where generate went. */
export interface OtherEntry {
  program: string;
  commands: readonly string[];
}

/** Takes the process-wide `--log-format FORMAT` (or `=FORMAT`) out of a command's arguments; a string is the usage error. */
function takeLogFormat(argv: string[]): { rest: string[]; format: LogFormat } | string {
  const rest: string[] = [];
  let format: string = 'text';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--log-format') format = argv[++i] ?? '';
    else if (arg.startsWith('--log-format=')) format = arg.slice('--log-format='.length);
    else rest.push(arg);
  }
  if (!(LOG_FORMATS as readonly string[]).includes(format)) return `--log-format must be ${LOG_FORMATS.join(' or ')}, got '${format}'`;
  return { rest, format: format as LogFormat };
}

function unknownCommand(program: string, name: string, commands: readonly CommandEntry[]): number {
  const match = closestMatch(name, commands.map((c) => c.name));
  log('error', 'usage', `unknown command '${name}'${match === null ? '' : ` (did you mean '${match}'?)`}`);
  logBlock('info', 'usage', `\n${help(program, commands)}`);
  return EXIT_STATUSES.USAGE.code;
}

async function main(program: string, commands: readonly CommandEntry[], argv: string[], other?: OtherEntry): Promise<number> {
  const taken = takeLogFormat(argv);
  if (typeof taken === 'string') {
    log('error', 'usage', `${taken}`);
    return EXIT_STATUSES.USAGE.code;
  }
  const [name, ...rest] = taken.rest;
  configureLog(taken.format, name ?? null);
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(`${program} ${ENGINE_VERSION}`);
    return 0;
  }
  if (name === 'help' && rest.length > 0) {
    const entry = commands.find((c) => c.name === rest[0]);
    if (entry === undefined) return unknownCommand(program, rest[0]!, commands);
    console.log((await entry.load()).usage);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help(program, commands));
    return name === undefined ? EXIT_STATUSES.USAGE.code : 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (entry === undefined) {
    if (other?.commands.includes(name) === true) {
      log('error', 'usage', `'${name}' serves the synthetic workloads, not the product: run it as '${other.program} ${name}'`);
      return EXIT_STATUSES.USAGE.code;
    }
    return unknownCommand(program, name, commands);
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    // Every command parses with node:util parseArgs; its rejections are usage errors (exit 2).
    if (isUsageError(err)) {
      log('error', 'usage', `${usageMessage((err as Error).message, command.usage)}\n\n(see 'campaign ${name} --help')`);
      return EXIT_STATUSES.USAGE.code;
    }
    throw err;
  }
}

/**
 * Runs one command line against `commands` and sets the process exit status from the one table
 * of io/exit-codes.ts: 0 done, 2 a usage error, a CampaignError's row for an expected failure
 * (one line, no stack), 128 + n when signal n stopped it, 70 our bug. `program` is how the help
 * names the entry.
 */
export function runCommandLine(program: string, commands: readonly CommandEntry[], argv: string[], other?: OtherEntry): Promise<void> {
  return main(program, commands, argv, other).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const status = exitStatusOf(err);
      if (err instanceof CampaignError) {
        log('error', 'failed', err.message, { code: err.code, exit: err.exit, exit_status: status });
      } else {
        logBlock('error', 'failed', err instanceof Error ? (err.stack ?? err.message) : String(err), { code: 'INTERNAL', exit: 'INTERNAL', exit_status: status });
      }
      process.exitCode = status;
      // A stopped command exits now: whatever it was waiting on (an interrupted query winding
      // down) must not hold the process past the orchestrator's grace period. Its lock is already
      // released, nothing was published, and stderr (a pipe, file or terminal) is written
      // synchronously on Linux, so the message above is out.
      if (err instanceof CampaignError && err.exit === 'ABORTED') process.exit(status);
    },
  );
}

/** The exit status for an error a command threw: its row of the table, 128 + n for a signal's abort. */
export function exitStatusOf(err: unknown): number {
  if (!(err instanceof CampaignError)) return EXIT_STATUSES.INTERNAL.code;
  if (err.exit === 'ABORTED') return EXIT_STATUSES.ABORTED.code + SIGNAL_NUMBERS[(receivedSignal() as keyof typeof SIGNAL_NUMBERS | null) ?? 'SIGINT'];
  return err.exitCode;
}

/** parseArgs's message, with a suggestion for an unknown option near one the command takes (its usage lists them). */
function usageMessage(message: string, usage: string): string {
  const unknown = /^Unknown option '(--[^']+)'/.exec(message);
  if (unknown === null) return message;
  const known = new Set(usage.match(/--[a-z][a-z0-9-]*/g) ?? []);
  const match = closestMatch(unknown[1]!, known);
  return `unknown option '${unknown[1]}'${match === null ? '' : ` (did you mean '${match}'?)`}`;
}

/** node:util parseArgs rejects unknown or malformed options with these codes. */
function isUsageError(err: unknown): boolean {
  return typeof (err as NodeJS.ErrnoException | null)?.code === 'string' && (err as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS');
}
