/**
 * The shape of a CLI command and the option sets commands share.
 *
 * @module
 */
import type { CliIo } from './cli_io.ts'
import type { RetryReporter } from './retry_reporter.ts'

/** One option as `node:util` parseArgs takes it, plus help text. */
export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  multiple?: boolean
  /** Help text. */
  description: string
  /** Placeholder shown in help for string options. */
  valueName?: string
}

/** Parsed option values. */
export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>

/** What a command receives when it runs. */
export interface CommandContext {
  /** Option values after parsing. */
  values: OptionValues
  /** Positional arguments after the command name. */
  positionals: string[]
  /** Standard streams. */
  io: CliIo
  /** Aborted on SIGINT or when a test cancels. */
  signal: AbortSignal
  /** Announces request retries on stderr; commands pass `retries.onRetry` to the Api. */
  retries?: RetryReporter
}

/** A `wbx <name>` command. */
export interface Command {
  name: string
  /** One line for the command list. */
  summary: string
  /** Usage line after `wbx <name>`, e.g. `<source> [options]`. */
  usage: string
  /** Longer help shown by `wbx <name> --help`. */
  details?: string
  options: Record<string, OptionSpec>
  /** Runs the command; resolves to the exit code. */
  run(ctx: CommandContext): Promise<number>
}

/** Options every row-exporting command takes. */
export const outputOptions: Record<string, OptionSpec> = {
  format: {
    type: 'string',
    short: 'f',
    valueName: 'ndjson|csv|parquet',
    description: 'Output format (default: from --output extension, else ndjson)',
  },
  output: {
    type: 'string',
    short: 'o',
    valueName: 'PATH',
    description: 'Write to PATH atomically (default: stdout; "-" is stdout)',
  },
  layout: {
    type: 'string',
    valueName: 'wide|long',
    description: 'wide: one column per key (default); long: one row per (_step, key, value)',
  },
  flatten: {
    type: 'boolean',
    description: 'Flatten nested objects to dotted keys (default for CSV; --no-flatten keeps JSON)',
  },
  nan: {
    type: 'string',
    valueName: 'string|null|literal',
    description: 'How NDJSON writes NaN/±Infinity (default: string, e.g. "NaN")',
  },
  infinity: {
    type: 'string',
    valueName: 'Infinity|inf',
    description: 'How CSV writes ±Infinity (default: Infinity; inf reads as a float in polars)',
  },
  'json-columns': {
    type: 'string',
    valueName: 'json|string',
    description: 'Parquet type of JSON columns (default: json; string: plain STRING)',
  },
  codec: {
    type: 'string',
    valueName: 'snappy|zstd|gzip|uncompressed',
    description: 'Parquet compression (default: snappy)',
  },
  quiet: { type: 'boolean', short: 'q', description: 'No progress line on stderr' },
}

/** Options for commands that read a run. */
export const sourceOptions: Record<string, OptionSpec> = {
  strict: {
    type: 'boolean',
    description:
      'Fail (exit 1) when a local .wandb file is damaged instead of reporting and going on',
  },
}

/** The `--help` option every command has. */
export const helpOption: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'Show this help' },
}
