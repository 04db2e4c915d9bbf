/** The attributes `wbx info` prints for a local run (`infoRow` names the columns). */
import type { LocalRun } from '../local/local_run.ts'
import type { Row } from '../row.ts'
import { infoRow } from '../source/rows.ts'

/** A local run's `wbx info` document. */
export function runInfo(run: LocalRun): Row {
  return infoRow({
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
    metadata: run.metadata,
  })
}
