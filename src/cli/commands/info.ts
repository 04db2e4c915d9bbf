/** `wbx info <source>`: the run's attributes (id, name, state, tags, times, keys, writer). */
import type { Command } from '../command.ts'
import { outputOptions, sourceOptions } from '../command.ts'
import { openRun, reportDamage } from '../open_run.ts'
import { writeDocument } from './document_output.ts'
import type { LocalRun } from '../../local/local_run.ts'

/** The attributes `wbx info` prints, in the remote Run's names. */
export function runInfo(run: LocalRun): Record<string, unknown> {
  return {
    id: run.id,
    name: run.name,
    displayName: run.displayName,
    entity: run.entity,
    project: run.project,
    path: run.path,
    state: run.state,
    exitCode: run.exitCode,
    createdAt: run.createdAt,
    heartbeatAt: run.heartbeatAt,
    runtime: run.runtime,
    tags: run.tags,
    notes: run.notes,
    group: run.group,
    jobType: run.jobType,
    host: run.host,
    sweepId: run.sweepId,
    git: run.git,
    resumed: run.resumed,
    startingStep: run.startingStep,
    lastHistoryStep: run.lastHistoryStep,
    historyLineCount: run.historyLineCount,
    systemLineCount: run.systemLineCount,
    historyKeys: Object.keys(run.historyKeys.keys),
    producer: run.producer,
    cliVersion: run.cliVersion,
    pythonVersion: run.pythonVersion,
    folders: run.segments.map((s) => s.folder),
    damaged: run.damaged,
  }
}

/** The `info` command. */
export const infoCommand: Command = {
  name: 'info',
  summary: "Print the run's attributes (id, name, state, tags, notes, steps, writer) as JSON",
  usage: '<source> [options]',
  details: 'Prints indented JSON; with --format or --output, exports it as a one-row table.',
  options: { ...outputOptions, ...sourceOptions },
  async run(ctx) {
    const run = await openRun('info', ctx.positionals, ctx.values)
    await writeDocument(runInfo(run), ctx, 'info')
    reportDamage(run, ctx.io)
    return 0
  },
}
