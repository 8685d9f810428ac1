import type { Command } from '../command.js';
import { configCommand } from './config.js';
import { deadLettersCommand } from './dead-letters.js';
import { deliverCommand } from './deliver.js';
import { demoCommand } from './demo.js';
import { generateCommand } from './generate.js';
import { runCommand } from './run.js';
import { sandboxClevertapCommand } from './sandbox-clevertap.js';

/** Every sub-command, in the order `campaign --help` lists them. */
export const commands: Command[] = [demoCommand, runCommand, configCommand, generateCommand, deliverCommand, deadLettersCommand, sandboxClevertapCommand];
