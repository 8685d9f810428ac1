#!/usr/bin/env node
import { commands, workloadEntry } from './commands/index.js';
import { runCommandLine } from './dispatch.js';

void runCommandLine('campaign', commands, process.argv.slice(2), workloadEntry);
