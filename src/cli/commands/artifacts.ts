/** `wbx artifacts <source>`: artifacts the run logged and used. */
import type { Command } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, reportDamage } from '../open_run.ts'
import { choiceOption } from '../parse_values.ts'
import { rowStream, writeRows } from '../write_rows.ts'
import type { Row } from '../../row.ts'
import type { LocalRun } from '../../local/local_run.ts'

/** The `artifacts` command. */
export const artifactsCommand: Command = {
  name: 'artifacts',
  summary: 'List artifacts the run logged and used (name, type, aliases, digest, size)',
  usage: '<source> [--direction logged|used] [--entries] [options]',
  details: 'With --entries, one row per manifest entry of the logged artifacts instead.',
  options: {
    direction: {
      type: 'string',
      valueName: 'logged|used',
      description: 'Only logged or only used artifacts',
    },
    entries: { type: 'boolean', description: 'One row per manifest entry (path, digest, size)' },
    ...outputOptions,
    ...sourceOptions,
  },
  async run(ctx) {
    const run = await openRun('artifacts', ctx.positionals, ctx.values)
    const direction = choiceOption(ctx.values, 'direction', ['logged', 'used'] as const)
    const rows = ctx.values.entries === true
      ? await manifestRows(run, ctx.signal)
      : await artifactRows(run, direction, ctx.signal)
    await writeRows(rowStream(rows), ctx, { label: 'artifacts' })
    reportDamage(run, ctx.io)
    return 0
  },
}

/** One row per artifact, logged ones first. */
async function artifactRows(
  run: LocalRun,
  direction: 'logged' | 'used' | undefined,
  signal: AbortSignal,
): Promise<Row[]> {
  const rows: Row[] = []
  if (direction !== 'used') {
    for (const a of await run.loggedArtifacts({ signal })) {
      rows.push({
        direction: 'logged',
        name: a.name,
        type: a.type,
        version: a.version,
        aliases: a.aliases,
        tags: a.tags,
        digest: a.digest,
        size: a.size,
        fileCount: a.fileCount,
        description: a.description,
        metadata: a.metadata,
        id: null,
      })
    }
  }
  if (direction !== 'logged') {
    for (const a of await run.usedArtifacts({ signal })) {
      rows.push({ direction: 'used', name: a.name, type: a.type, version: a.version, id: a.id })
    }
  }
  return rows
}

/** One row per manifest entry of every logged artifact. */
async function manifestRows(run: LocalRun, signal: AbortSignal): Promise<Row[]> {
  const rows: Row[] = []
  for (const a of await run.loggedArtifacts({ signal })) {
    for (const e of a.manifest?.entries ?? []) {
      rows.push({
        artifact: a.name,
        type: a.type,
        path: e.path,
        digest: e.digest,
        size: e.size,
        ref: e.ref || null,
      })
    }
  }
  return rows
}
