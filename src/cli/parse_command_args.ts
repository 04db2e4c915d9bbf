/**
 * Parses a command's options with `node:util` parseArgs, turning its errors into usage errors in
 * wbx's words, with a "did you mean" for mistyped options.
 *
 * @module
 */
import { parseArgs } from 'node:util'
import { type Command, helpOption, type OptionSpec, type OptionValues } from './command.ts'
import { closest } from './did_you_mean.ts'
import { UsageError } from './usage_error.ts'

/** Parses `args` against the command's options (plus `--help`). */
export function parseCommandArgs(
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
    throw new UsageError(parseErrorText(err, options, args), command.name)
  }
}

/** wbx's text for a parseArgs error (the runtimes word theirs differently). */
function parseErrorText(err: unknown, options: Record<string, OptionSpec>, args: string[]): string {
  const message = err instanceof Error ? err.message : String(err)
  const code = (err as { code?: string }).code ?? ''
  // parseArgs quotes the flag: '--name', '-x', '-q, --quiet' or '--min-step <value>'.
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? ''
  const flag = /--[\w-]+/.exec(quoted)?.[0] ?? /-\w/.exec(quoted)?.[0] ??
    args.find((a) => a.startsWith('-'))
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || /unknown option/i.test(message)) {
    const given = flag ?? '?'
    const names = Object.keys(options)
    const bare = given.replace(/^-+/, '').replace(/=.*$/, '')
    const guess = given.startsWith('--')
      ? closest(bare, [...names, ...negatable(options)])
      : names.find((n) => options[n].short?.toLowerCase() === bare.toLowerCase())
    return `Unknown option ${given}${guess ? `; did you mean --${guess}?` : ''}`
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || /argument missing/i.test(message)) {
    const name = flag?.replace(/^-+/, '').split(/[ =]/)[0]
    const spec = name === undefined ? undefined : options[name] ??
      Object.values(options).find((o) => o.short === name)
    if (spec?.type === 'boolean' || /does not take/.test(message)) {
      return `Option ${flag} takes no value`
    }
    return `Option ${flag ?? ''} needs a value${spec?.valueName ? ` (<${spec.valueName}>)` : ''}`
      .replace('  ', ' ')
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return 'Unexpected argument'
  return message.split('\n')[0]
}

/** `no-<flag>` names of the boolean options. */
function negatable(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).filter(([, o]) => o.type === 'boolean').map(([n]) => `no-${n}`)
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
