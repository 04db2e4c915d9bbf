/**
 * Seeding the test server from local run folders: a `LocalRun` (the project's `.wandb` reader)
 * becomes a run seed with the same history, system rows, config, summary, files, console lines
 * and artifacts, so a local folder and the server serve identical rows.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { LocalRun, type LocalRunOptions } from '../../src/local/local_run.ts'
import type { Row } from '../../src/row.ts'
import { wandbTime } from './ids.ts'
import type {
  ArtifactFileSeed,
  ArtifactSeed,
  LogLineSeed,
  RunFileSeed,
  RunSeed,
} from './run_seed.ts'
import { wrapConfig } from './store.ts'

/** Options for {@linkcode seedFromLocalRun}. */
export interface LocalSeedOptions extends LocalRunOptions {
  /** Entity for runs whose log has none (offline runs); @default 'test-entity' */
  entity?: string
  /** Project for runs whose log has none; @default 'uncategorized' */
  project?: string
}

/** Reads a local run folder (or `.wandb` file) into a run seed. */
export async function seedFromLocalRun(
  source: string,
  options: LocalSeedOptions = {},
): Promise<RunSeed> {
  const run = await LocalRun.open(source, options)
  const history = await collect(run.scanHistory())
  const events = await collect(run.scanSystemMetrics())
  const logLines: LogLineSeed[] = []
  for await (const batch of run.consoleLines()) {
    for (const line of batch) {
      logLines.push({
        line: line.text,
        level: line.stream === 'stderr' ? 'error' : '',
        timestamp: line.timestamp === undefined
          ? undefined
          : new Date(line.timestamp * 1000).toISOString(),
      })
    }
  }
  const files: RunFileSeed[] = []
  for (const f of await run.files()) {
    if (f.path !== null) {
      files.push({ name: f.name, content: await readFile(f.path), mimetype: f.mimetype })
    }
  }
  const logged: ArtifactSeed[] = []
  for (const a of await run.loggedArtifacts()) {
    const artifactFiles: ArtifactFileSeed[] = []
    for (const e of a.manifest?.entries ?? []) {
      if (e.localPath && existsSync(e.localPath)) {
        artifactFiles.push({ name: e.path, content: await readFile(e.localPath) })
      }
    }
    logged.push({
      name: a.name,
      type: a.type,
      aliases: a.aliases.filter((x) => x !== 'latest'),
      tags: a.tags,
      description: a.description || undefined,
      metadata: (a.metadata ?? undefined) as Record<string, unknown> | undefined,
      files: artifactFiles,
    })
  }
  const used: ArtifactSeed[] = (await run.usedArtifacts()).map((u) => {
    const name = u.name.split('/').pop()!.replace(/:[^:]*$/, '')
    const m = /^v(\d+)$/.exec(u.version ?? '')
    return { name, type: u.type, version: m ? Number(m[1]) : undefined, files: [] }
  })
  return {
    entity: run.entity || options.entity || 'test-entity',
    project: run.project || options.project || 'uncategorized',
    id: run.id,
    displayName: run.displayName ?? run.id,
    state: run.state,
    tags: run.tags,
    group: run.group,
    jobType: run.jobType,
    notes: run.notes,
    commit: run.commit,
    host: run.host,
    sweepName: run.sweepId,
    createdAt: run.createdAt ? wandbTime(Date.parse(run.createdAt)) : undefined,
    heartbeatAt: run.heartbeatAt ? wandbTime(Date.parse(run.heartbeatAt)) : undefined,
    rawConfig: wrapConfig(run.rawconfig),
    summary: run.summary,
    history,
    events,
    files,
    logLines,
    loggedArtifacts: logged,
    usedArtifacts: used,
  }
}

/** Reads a batched row stream into one array. */
async function collect(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const rows: Row[] = []
  for await (const batch of stream) for (const row of batch) rows.push(row)
  return rows
}
