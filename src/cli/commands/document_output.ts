/** Shared output of the one-document commands (summary, config, info). */
import type { CommandContext } from '../command.ts'
import { writeText } from '../cli_io.ts'
import { type NanPolicy, stringifyJson } from '../../json/stringify_json.ts'
import { choiceOption } from '../parse_values.ts'
import { rowStream, writeRows } from '../write_rows.ts'

/**
 * Prints a document as indented JSON (then `trailer`, e.g. sparklines), or exports it as a one-row
 * table when --format or --output is given.
 */
export async function writeDocument(
  doc: Record<string, unknown>,
  ctx: CommandContext,
  label: string,
  trailer = '',
): Promise<void> {
  if (
    ctx.values.format !== undefined ||
    (ctx.values.output !== undefined && ctx.values.output !== '-')
  ) {
    await writeRows(rowStream([doc]), ctx, { label })
    return
  }
  const nan: NanPolicy = choiceOption(ctx.values, 'nan', ['string', 'null', 'literal'] as const) ??
    'string'
  await writeText(ctx.io, stringifyJson(doc, { nan, indent: 2 }) + '\n' + trailer)
}
