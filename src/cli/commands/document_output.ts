/** Shared output of the one-document commands (summary, config, info). */
import type { Command, CommandContext, OptionSpec } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, printWarnings } from '../open_run_source.ts'
import type { RunSource } from '../run_source.ts'
import { sparklineOption, terminalSparklines } from '../sparklines.ts'
import type { Row } from '../../row.ts'
import { writeText } from '../cli_io.ts'
import { type NanPolicy, stringifyJson } from '../../json/stringify_json.ts'
import { choiceOption } from '../parse_values.ts'
import { writeRows } from '../write_rows.ts'
import { oneBatch } from '../../streams/one_batch.ts'
import { compactView, type CompactViewOptions } from '../compact_view.ts'

/** The `--json` option of the commands with a compact terminal view. */
export const jsonOption: Record<string, OptionSpec> = {
  json: {
    type: 'boolean',
    description:
      'Print the whole document as indented JSON (the default when stdout is not a terminal)',
  },
}

/** How {@link writeDocument} prints. */
export interface WriteDocumentOptions {
  /** The run id, for `--output FOLDER/`. */
  runId?: string
  /** Show the compact view on a terminal unless `--json`. @default false */
  compact?: boolean
  /** Options of the compact view (an extra column such as a sparkline per key). */
  view?: CompactViewOptions
  /** Text printed after the view or the JSON (e.g. sparklines). @default '' */
  trailer?: string
}

/**
 * Prints a document: the compact view on a terminal (when asked and without --json), else
 * indented JSON, or exports it as a one-row table when --format or --output is given.
 */
export async function writeDocument(
  doc: Record<string, unknown>,
  ctx: CommandContext,
  label: string,
  options: WriteDocumentOptions = {},
): Promise<void> {
  if (
    ctx.values.format !== undefined ||
    (ctx.values.output !== undefined && ctx.values.output !== '-')
  ) {
    await writeRows(oneBatch([doc]), ctx, { label, runId: options.runId })
    return
  }
  if (options.compact && ctx.io.stdoutIsTTY && ctx.values.json !== true) {
    const width = options.view?.width ?? ctx.io.columns
    await writeText(ctx.io, compactView(doc, { ...options.view, width }) + (options.trailer ?? ''))
    return
  }
  const nan: NanPolicy = choiceOption(ctx.values, 'nan', ['string', 'null', 'literal'] as const) ??
    'string'
  await writeText(ctx.io, stringifyJson(doc, { nan, indent: 2 }) + '\n' + (options.trailer ?? ''))
}

/** What a run-document command prints besides its name and summary line. */
export interface RunDocumentCommandSpec {
  /** The command name (also the label of a one-row table export). */
  name: string
  /** The one-line description in `wbx --help`. */
  summary: string
  /** The document to print, given the opened run and its summary (read first, for the sparklines). */
  document(run: RunSource, summary: Row, signal: AbortSignal): Promise<Record<string, unknown>>
}

/**
 * A command printing one run document (`info`, `summary`): the compact view on a terminal with
 * a sparkline per numeric summary key after it, else indented JSON or a one-row table.
 */
export function runDocumentCommand(spec: RunDocumentCommandSpec): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: '<source> [options]',
    details: [
      'On a terminal, prints one line per key (histograms, media and long lists collapsed);',
      'elsewhere or with --json, indented JSON; with --format or --output, a one-row table.',
    ].join('\n'),
    options: { ...jsonOption, ...outputOptions, ...sourceOptions, ...sparklineOption },
    async run(ctx) {
      const run = await openRun(spec.name, ctx.positionals, ctx.values, ctx.signal, ctx.retries)
      const summary = await run.summary(ctx.signal)
      const trailer = await terminalSparklines(run, ctx, summary)
      const doc = await spec.document(run, summary, ctx.signal)
      await writeDocument(doc, ctx, spec.name, { runId: run.id, compact: true, trailer })
      printWarnings(run, ctx.io)
      return 0
    },
  }
}
