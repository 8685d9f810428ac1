#!/usr/bin/env node
import { CampaignError } from '../engine/errors.js';
import { commands } from './commands/index.js';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return ['usage: campaign <command> [options]', '', ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', "'campaign <command> --help' shows a command's options."].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (entry === undefined) {
    console.error(`campaign: unknown command '${name}'\n\n${help()}`);
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

main(process.argv.slice(2)).then(
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

/** node:util parseArgs rejects unknown or malformed options with these codes. */
function isUsageError(err: unknown): boolean {
  return typeof (err as NodeJS.ErrnoException | null)?.code === 'string' && (err as NodeJS.ErrnoException).code!.startsWith('ERR_PARSE_ARGS');
}
