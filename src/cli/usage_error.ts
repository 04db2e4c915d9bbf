/** A command-line misuse: the CLI prints the message with the command's usage and exits with code 2. */
export class UsageError extends Error {
  /** The command whose usage should be shown, if any. */
  readonly command?: string

  /** Creates a usage error for an optional command. */
  constructor(message: string, command?: string) {
    super(message)
    this.name = 'UsageError'
    this.command = command
  }
}
