/**
 * `wbx <command> [options]`: argument parsing, dispatch and exit codes.
 *
 * @module
 */
import { parseArgs } from 'node:util'
import { type CliIo, processIo, writeText as write } from './cli_io.ts'
import { type Command, helpOption, type OptionSpec, type OptionValues } from './command.ts'
import { commandHelp, mainHelp } from './help.ts'
import { UsageError } from './usage_error.ts'
import { commands } from './commands/mod.ts'
import { VERSION } from '../version.ts'
import { describeError } from './describe_error.ts'

/** Options for {@linkcode main}. */
export interface MainOptions {
  /** Standard streams; @default the process's */
  io?: CliIo
  /** Cancels the running command. */
  signal?: AbortSignal
}

/** Runs the CLI with the given arguments and resolves to the process exit code. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIo()
  const signal = options.signal ?? new AbortController().signal
  const [name, ...rest] = argv
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const target = name === 'help' ? findCommand(rest[0]) : undefined
    await write(io, target ? commandHelp(target) : mainHelp(commands))
    return 0
  }
  if (name === '-V' || name === '--version') {
    await write(io, `wbx ${VERSION}\n`)
    return 0
  }
  const command = findCommand(name)
  try {
    if (!command) throw new UsageError(`Unknown command "${name}"; run "wbx --help" for the list`)
    const { values, positionals } = parseCommandArgs(command, rest)
    if (values.help) {
      await write(io, commandHelp(command))
      return 0
    }
    return await command.run({ values, positionals, io, signal })
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`wbx: ${err.message}\n`)
      if (command) io.stderr(`Usage: wbx ${command.name} ${command.usage} (see --help)\n`)
      return 2
    }
    io.stderr(`wbx: ${describeError(err)}\n`)
    return 1
  }
}

function findCommand(name: string | undefined): Command | undefined {
  return commands.find((c) => c.name === name)
}

function parseCommandArgs(
  command: Command,
  args: string[],
): { values: OptionValues; positionals: string[] } {
  const options = { ...command.options, ...helpOption }
  try {
    const parsed = parseArgs({
      args,
      options: Object.fromEntries(
        Object.entries(options).map(([k, o]) => [k, parseArgsOption(o)]),
      ),
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    })
    return { values: parsed.values as OptionValues, positionals: parsed.positionals }
  } catch (err) {
    throw new UsageError((err as Error).message, command.name)
  }
}

/** The parseArgs form of an option spec (parseArgs rejects properties set to undefined). */
function parseArgsOption(
  spec: OptionSpec,
): { type: 'string' | 'boolean'; short?: string; multiple?: boolean } {
  const option: { type: 'string' | 'boolean'; short?: string; multiple?: boolean } = {
    type: spec.type,
  }
  if (spec.short) option.short = spec.short
  if (spec.multiple) option.multiple = true
  return option
}
