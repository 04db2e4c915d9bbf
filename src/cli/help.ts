/**
 * Help text for `wbx --help` and `wbx <command> --help`.
 *
 * @module
 */
import type { Command, OptionSpec } from './command.ts'
import { VERSION } from '../version.ts'

/** The top-level help listing every command. */
export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2
  const lines = [
    `wbx ${VERSION}: stream Weights & Biases run data to NDJSON, CSV or Parquet`,
    '',
    'Usage: wbx <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'A <source> is a local run folder (wandb/run-*, wandb/offline-run-*, wandb/latest-run),',
    'a .wandb file, or for `runs` a wandb/ folder. Data goes to stdout, diagnostics to stderr.',
    'A bare run id reads WANDB_ENTITY/WANDB_PROJECT, as the SDK does.',
    'Exit codes: 0 success, 1 failure, 2 bad usage, 130 interrupted.',
    '',
    'Options:',
    '  -h, --help     Show help (also after a command: wbx history --help)',
    '  -V, --version  Show the version',
    '',
    'Environment: WANDB_API_KEY, WANDB_BASE_URL, WANDB_ENTITY, WANDB_PROJECT, ~/.netrc and',
    'proxies; see "wbx help environment".',
  ]
  return lines.join('\n') + '\n'
}

/** The help of one command. */
export function commandHelp(command: Command): string {
  const lines = [`Usage: wbx ${command.name} ${command.usage}`, '', command.summary]
  if (command.details) lines.push('', command.details)
  lines.push('', 'Options:')
  const rows = Object.entries(command.options).map((
    [name, spec],
  ) => [flagText(name, spec), spec.description])
  const width = Math.max(...rows.map((r) => r[0].length)) + 2
  for (const [flag, text] of rows) lines.push(`  ${flag.padEnd(width)}${text}`)
  return lines.join('\n') + '\n'
}

function flagText(name: string, spec: OptionSpec): string {
  const short = spec.short ? `-${spec.short}, ` : '    '
  const value = spec.type === 'string' ? ` <${spec.valueName ?? 'value'}>` : ''
  const repeat = spec.multiple ? ' ...' : ''
  return `${short}--${name}${value}${repeat}`
}
