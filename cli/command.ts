/** One CLI sub-command: `campaign <name> ...`. `run` returns the process exit code. */
export interface Command {
  name: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** A sub-command as the dispatcher lists it; its module is imported only when it runs. */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}
