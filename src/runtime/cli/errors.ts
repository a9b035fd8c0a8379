/**
 * An error meant for the person at the terminal: printed as
 * `ts-lambda: <message>` (no stack) with a non-zero exit code.
 */
export class CliError extends Error {
  constructor(message: string, public readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}
