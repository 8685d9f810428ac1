import type { Command } from '../command.js';

/** Every sub-command, in the order `campaign --help` lists them. */
export const commands: Command[] = [];
