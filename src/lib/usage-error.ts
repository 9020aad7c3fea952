/**
 * A command was called wrongly (an unknown flag, a path that cannot be
 * read): the entry point prints the message and its usage, and exits with 2,
 * without a stack trace. One class for every CLI of the project.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
