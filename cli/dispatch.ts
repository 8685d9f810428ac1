import { CampaignError } from '../engine/errors.js';
import { ENGINE_VERSION } from '../engine/version.js';
import type { CommandEntry } from './command.js';

function help(program: string, commands: readonly CommandEntry[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [`usage: ${program} <command> [options]`, '', ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', `'${program} <command> --help' shows a command's options.`].join('\n');
}

/** Commands another entry point runs: `campaign generate` says where generate went. */
export interface OtherEntry {
  program: string;
  commands: readonly string[];
}

async function main(program: string, commands: readonly CommandEntry[], argv: string[], other?: OtherEntry): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version') {
    console.log(`${program} ${ENGINE_VERSION}`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help(program, commands));
    return name === undefined ? 2 : 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (entry === undefined) {
    if (other?.commands.includes(name) === true) {
      console.error(`campaign: '${name}' serves the synthetic workloads, not the product: run it as '${other.program} ${name}'`);
      return 2;
    }
    console.error(`campaign: unknown command '${name}'\n\n${help(program, commands)}`);
    return 2;
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
      console.error(`campaign: ${(err as Error).message}\n\n(see 'campaign ${name} --help')`);
      return 2;
    }
    throw err;
  }
}

/**
 * Runs one command line against `commands` and sets the process exit code: 0 done, 1 an error the
 * user must fix (one line), 2 a usage error, 70 our bug. `program` is how the help names the entry.
 */
export function runCommandLine(program: string, commands: readonly CommandEntry[], argv: string[], other?: OtherEntry): Promise<void> {
  return main(program, commands, argv, other).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // Contract errors are the user's to fix: one clear line, no stack. Anything else is our bug.
      if (err instanceof CampaignError) {
        console.error(`campaign: ${err.message}`);
        process.exitCode = 1;
      } else {
        console.error(err);
        process.exitCode = 70;
      }
    },
  );
}

/** node:util parseArgs rejects unknown or malformed options with these codes. */
function isUsageError(err: unknown): boolean {
  return typeof (err as NodeJS.ErrnoException | null)?.code === 'string' && (err as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS');
}
