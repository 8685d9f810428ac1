/**
 * A Delta table that cannot be read as the protocol says. `file` is the log, checkpoint, data or
 * deletion-vector file the problem is in (null: the table as a whole); io/input turns it into an
 * InputError naming the table, that file and the problem.
 */
export class DeltaError extends Error {
  constructor(
    readonly file: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'DeltaError';
  }
}
