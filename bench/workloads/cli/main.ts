#!/usr/bin/env node
import { runCommandLine } from '../../../cli/dispatch.js';
import { workloadCommands } from './commands/index.js';

void runCommandLine('node dist/bench/workloads/cli/main.js', workloadCommands, process.argv.slice(2));
