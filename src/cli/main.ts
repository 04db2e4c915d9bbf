/**
 * `wbx <command> [options]`: argument parsing, dispatch and exit codes.
 *
 * @module
 */
import { type CliIo, processIo, writeText as write } from './cli_io.ts'
import type { Command } from './command.ts'
import { commandHelp, mainHelp } from './help.ts'
import { UsageError } from './usage_error.ts'
import { commands } from './commands/mod.ts'
import { VERSION } from '../version.ts'
import { describeError } from './describe_error.ts'
import { closest } from './did_you_mean.ts'
import { environmentHelp } from './environment_help.ts'
import { parseCommandArgs } from './parse_command_args.ts'
import { RetryReporter } from './retry_reporter.ts'
import { isBrokenPipe } from '../runtime.ts'

/** Options for {@link main}. */
export interface MainOptions {
  /** Standard streams; @default the process's */
  io?: CliIo
  /** Cancels the running command. */
  signal?: AbortSignal
}

/** Help topics besides the commands: `wbx help <topic>`. */
const TOPICS: Record<string, () => string> = { environment: environmentHelp }

/** Exit code of an interrupted command (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130

/** Runs the CLI with the given arguments and resolves to the process exit code. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIo()
  const signal = options.signal ?? new AbortController().signal
  const [name, ...rest] = argv
  const command = findCommand(name)
  const retries = new RetryReporter(io.stderr, io.stderrIsTTY)
  try {
    if (name === undefined || name === '-h' || name === '--help') {
      await write(io, mainHelp(commands))
      return 0
    }
    if (name === 'help') return await help(rest[0], io)
    if (name === '-V' || name === '--version') {
      await write(io, `wbx ${VERSION}\n`)
      return 0
    }
    if (!command) throw unknownCommand(name)
    const { values, positionals } = parseCommandArgs(command, rest)
    if (values.help) {
      await write(io, commandHelp(command))
      return 0
    }
    return await command.run({ values, positionals, io, signal, retries })
  } catch (err) {
    if (isBrokenPipe(err)) return 0 // the reader (head, less) has what it wanted
    if (signal.aborted) {
      io.stderr('wbx: interrupted\n')
      return EXIT_INTERRUPTED
    }
    if (err instanceof UsageError) {
      io.stderr(`wbx: ${err.message}\n`)
      if (command) io.stderr(`Usage: wbx ${command.name} ${command.usage} (see --help)\n`)
      else io.stderr('Usage: wbx <command> [options] (see wbx --help)\n')
      return 2
    }
    io.stderr(`wbx: ${describeError(err)}\n`)
    return 1
  } finally {
    const summary = retries.summary()
    if (summary) io.stderr(summary)
  }
}

/** `wbx help [command | topic]`. */
async function help(topic: string | undefined, io: CliIo): Promise<number> {
  if (topic === undefined) {
    await write(io, mainHelp(commands))
    return 0
  }
  const command = findCommand(topic)
  if (command) {
    await write(io, commandHelp(command))
    return 0
  }
  const page = TOPICS[topic]
  if (page) {
    await write(io, page())
    return 0
  }
  const guess = closest(topic, [...commands.map((c) => c.name), ...Object.keys(TOPICS)])
  throw new UsageError(
    `No help for "${topic}"${guess ? `; did you mean "${guess}"?` : ''} (topics: ${
      Object.keys(TOPICS).join(', ')
    }, or a command name)`,
  )
}

/** The usage error for an unknown command, with the closest command name. */
function unknownCommand(name: string): UsageError {
  if (name.startsWith('-')) {
    const option = closest(name.replace(/^-+/, ''), ['help', 'version'])
    return new UsageError(
      `Unknown option ${name}${
        option ? `; did you mean --${option}?` : ''
      } (options go after the command)`,
    )
  }
  const guess = closest(name, commands.map((c) => c.name))
  const hint = guess ? `; did you mean "wbx ${guess}"?` : '; run "wbx --help" for the list'
  return new UsageError(`Unknown command "${name}"${hint}`)
}

function findCommand(name: string | undefined): Command | undefined {
  return commands.find((c) => c.name === name)
}
