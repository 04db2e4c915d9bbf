/** Shared output of the one-document commands (summary, config, info). */
import type { CommandContext, OptionSpec } from '../command.ts'
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
