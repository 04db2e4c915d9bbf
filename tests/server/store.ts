/**
 * The test server's in-memory store: projects, runs, files and artifacts, plus the registry of
 * objects the files origin serves by path.
 *
 * @module
 */
import type { Row } from '../../src/row.ts'
import { ArrayHistoryTable, type HistoryTable, lastStepOf } from './history_table.ts'
import { nodeId, wandbTime } from './ids.ts'
import { RowGroupCache, type StreamedPart } from './streamed_export.ts'
import type {
  ArtifactRecord,
  ProjectRecord,
  RunRecord,
  StoredFile,
  StoredLogLine,
} from './records.ts'
import type { ExportSettings, RunSeed } from './run_seed.ts'
import { encodePath, makeStoredFile } from './stored_file.ts'
import { addArtifact } from './artifact_records.ts'

/** The user the server's API keys belong to. */
export interface ViewerInfo {
  /** Username; @default 'test-user' */
  username?: string
  /** Full name; @default 'Test User' */
  name?: string
  /** Default entity; @default 'test-entity' */
  entity?: string
  /** E-mail; @default 'test-user@example.com' */
  email?: string
  /** Team entities; @default [] */
  teams?: string[]
}

/** A files-origin object produced on request (a streamed Parquet export file). */
export interface StreamedObject {
  name: string
  mimetype: string
  updatedAt: string
  part: StreamedPart
}

/** Options for {@linkcode ServerStore}. */
export interface StoreOptions {
  /** The viewer; see {@linkcode ViewerInfo}. */
  viewer?: ViewerInfo
  /** Export settings for runs that do not set their own. */
  exportDefaults?: ExportSettings
  /** Bytes of encoded row groups streamed exports keep (0: encode on every request); @default 256 MiB */
  exportCacheBytes?: number
  /** Base creation time for runs without `createdAt`, epoch ms; @default 2024-01-01T00:00:00Z */
  baseTimeMs?: number
}

const EXPORT_DEFAULTS: Required<ExportSettings> = {
  parquetExport: true,
  liveTail: 0,
  parquetFileRows: 100_000,
  parquetRowGroupRows: 10_000,
  streamExport: false,
  parquetStepType: 'INT64',
  parquetStatistics: true,
  liveData: null,
}

/** Projects, runs and artifacts held in memory, plus the objects served from the files origin. */
export class ServerStore {
  /** Projects by `entity/project`. */
  readonly projects: Map<string, ProjectRecord> = new Map()
  /** Artifact versions by node ID. */
  readonly artifacts: Map<string, ArtifactRecord> = new Map()
  /** Objects the files origin serves, by path (without the query string). */
  readonly objects: Map<string, StoredFile> = new Map()
  /** Export files served streaming (laid out, never held whole), by files-origin path. */
  readonly streamedObjects: Map<string, StreamedObject> = new Map()
  /** Encoded row groups of streamed exports, kept up to `exportCacheBytes`. */
  readonly rowGroupCache: RowGroupCache
  /** Run files by their API-origin path (`/files/<entity>/<project>/<run>/<name>`). */
  readonly apiObjects: Map<string, StoredFile> = new Map()
  /** The resolved viewer. */
  readonly viewer: Required<ViewerInfo>
  #options: StoreOptions
  #runSeq = 0
  #projectSeq = 0

  /** Creates an empty store. */
  constructor(options: StoreOptions = {}) {
    this.#options = options
    this.rowGroupCache = new RowGroupCache(options.exportCacheBytes ?? 256 * 1024 * 1024)
    this.viewer = {
      username: options.viewer?.username ?? 'test-user',
      name: options.viewer?.name ?? 'Test User',
      entity: options.viewer?.entity ?? 'test-entity',
      email: options.viewer?.email ?? 'test-user@example.com',
      teams: options.viewer?.teams ?? [],
    }
  }

  /** The project `entity/name`, or undefined. */
  project(entity: string, name: string): ProjectRecord | undefined {
    return this.projects.get(`${entity}/${name}`)
  }

  /** The run `entity/project/id`, or undefined. */
  run(entity: string, project: string, id: string): RunRecord | undefined {
    return this.project(entity, project)?.runs.get(id)
  }

  /** The project `entity/name`, created when missing. */
  ensureProject(entity: string, name: string): ProjectRecord {
    const key = `${entity}/${name}`
    let project = this.projects.get(key)
    if (!project) {
      const internalId = ++this.#projectSeq
      project = {
        id: nodeId('Project', 'v1', name, entity),
        internalId,
        name,
        entity,
        createdAt: wandbTime(this.#baseTime()),
        runs: new Map(),
        collections: new Map(),
      }
      this.projects.set(key, project)
    }
    return project
  }

  /** Adds (or replaces) a run from a seed and returns its record. */
  addRun(seed: RunSeed): RunRecord {
    if (!seed.entity || !seed.project || !seed.id) {
      throw new TypeError(
        `Cannot add run ${
          JSON.stringify([seed.entity, seed.project, seed.id].join('/'))
        }: entity, project and id are required`,
      )
    }
    const project = this.ensureProject(seed.entity, seed.project)
    const seq = ++this.#runSeq
    const history = toTable(seed.history)
    const events = toTable(seed.events)
    const createdAt = seed.createdAt === undefined
      ? wandbTime(this.#baseTime() + seq * 60_000)
      : normalizeTime(seed.createdAt, 'createdAt', seed)
    const runtime = lastRuntime(history)
    const heartbeatAt = seed.heartbeatAt === undefined
      ? wandbTime(Date.parse(createdAt + 'Z') + Math.round(runtime * 1000))
      : normalizeTime(seed.heartbeatAt, 'heartbeatAt', seed)
    const run: RunRecord = {
      seq,
      storageId: nodeId('Run', 'v1', seed.id, seed.project, seed.entity),
      project,
      name: seed.id,
      displayName: seed.displayName ?? seed.id,
      state: seed.state ?? 'finished',
      tags: [...(seed.tags ?? [])],
      group: seed.group ?? null,
      jobType: seed.jobType ?? null,
      notes: seed.notes ?? null,
      description: seed.description ?? null,
      commit: seed.commit ?? null,
      host: seed.host ?? null,
      sweepName: seed.sweepName ?? null,
      readOnly: seed.readOnly ?? false,
      createdAt,
      heartbeatAt,
      user: seed.user
        ? { name: seed.user.name ?? null, username: seed.user.username }
        : { name: this.viewer.name, username: this.viewer.username },
      rawConfig: seed.rawConfig ?? wrapConfig(seed.config ?? {}),
      summary: seed.summary ?? deriveSummary(history, runtime),
      history,
      events,
      files: new Map(),
      logLines: [],
      loggedArtifacts: [],
      usedArtifacts: [],
      exportSettings: {
        ...EXPORT_DEFAULTS,
        ...pickExport(this.#options.exportDefaults ?? {}),
        ...pickExport(seed),
      },
    }
    const old = project.runs.get(seed.id)
    if (old) {
      for (const f of old.files.values()) {
        this.objects.delete(f.storagePath)
        this.apiObjects.delete(f.apiPath)
      }
      for (const path of old.exportCache?.paths ?? []) this.forgetObject(path)
    }
    project.runs.set(seed.id, run)
    for (const f of seed.files ?? []) {
      this.addRunFile(run, f.name, f.content, f.mimetype, f.updatedAt)
    }
    run.logLines = seed.logLines
      ? seed.logLines.map((l, i) => ({
        number: i,
        line: l.line,
        level: l.level ?? '',
        timestamp: l.timestamp ?? lineTime(createdAt, i),
      }))
      : linesOfOutputLog(run)
    for (const a of seed.loggedArtifacts ?? []) {
      run.loggedArtifacts.push(addArtifact(this, project, a, 'logged', createdAt))
    }
    for (const a of seed.usedArtifacts ?? []) {
      run.usedArtifacts.push(addArtifact(this, project, a, 'used', createdAt))
    }
    return run
  }

  /** Stores (or replaces) one file of a run and registers it on the files origin. */
  addRunFile(
    run: RunRecord,
    name: string,
    content: Uint8Array | string,
    mimetype?: string,
    updatedAt?: string,
  ): StoredFile {
    const segments = encodePath(run.project.entity, run.project.name, run.name, name)
    const file = makeStoredFile(name, content, {
      idParts: ['File', run.project.internalId, run.name, name],
      mimetype,
      updatedAt: updatedAt ?? run.heartbeatAt,
      storagePath: `/wandb-files/${segments}`,
      apiPath: `/files/${segments}`,
    })
    const old = run.files.get(name)
    if (old) {
      this.objects.delete(old.storagePath)
      this.apiObjects.delete(old.apiPath)
    }
    run.files.set(name, file)
    this.objects.set(file.storagePath, file)
    this.apiObjects.set(file.apiPath, file)
    return file
  }

  /** Removes an object from the files origin, stored or streamed. */
  forgetObject(path: string): void {
    this.objects.delete(path)
    this.streamedObjects.delete(path)
  }

  /** The base creation time for runs without one. */
  #baseTime(): number {
    return this.#options.baseTimeMs ?? Date.UTC(2024, 0, 1)
  }
}

/** Wraps plain config values the way W&B stores them: `{key: {value, desc: null}}`. */
export function wrapConfig(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(config)) out[k] = { value: v, desc: null }
  return out
}

/** Parses a time with or without a zone (no zone means UTC) into W&B's format. */
function normalizeTime(text: string, field: string, seed: RunSeed): string {
  const ms = Date.parse(/[zZ]$|[+-]\d\d:?\d\d$/.test(text) ? text : text + 'Z')
  if (Number.isNaN(ms)) {
    throw new TypeError(
      `Cannot add run ${seed.entity}/${seed.project}/${seed.id}: ${field} ${
        JSON.stringify(text)
      } is not an ISO 8601 time`,
    )
  }
  return wandbTime(ms)
}

/** Wraps seeded rows in a table (an existing table is used as is). */
function toTable(rows: readonly Row[] | HistoryTable | undefined): HistoryTable {
  if (!rows) return new ArrayHistoryTable([])
  return Array.isArray(rows) ? new ArrayHistoryTable(rows) : rows as HistoryTable
}

/** The export settings a seed sets, leaving out unset ones. */
function pickExport(seed: ExportSettings): ExportSettings {
  const out: ExportSettings = {}
  if (seed.parquetExport !== undefined) out.parquetExport = seed.parquetExport
  if (seed.liveTail !== undefined) out.liveTail = seed.liveTail
  if (seed.parquetFileRows !== undefined) out.parquetFileRows = seed.parquetFileRows
  if (seed.parquetRowGroupRows !== undefined) out.parquetRowGroupRows = seed.parquetRowGroupRows
  if (seed.streamExport !== undefined) out.streamExport = seed.streamExport
  if (seed.parquetStepType !== undefined) out.parquetStepType = seed.parquetStepType
  if (seed.parquetStatistics !== undefined) out.parquetStatistics = seed.parquetStatistics
  if (seed.liveData !== undefined) out.liveData = seed.liveData
  return out
}

/** The `_runtime` of the last history row, or 0. */
function lastRuntime(history: HistoryTable): number {
  if (history.rowCount === 0) return 0
  const r = history.rowAt(history.rowCount - 1)._runtime
  return typeof r === 'number' && Number.isFinite(r) ? r : 0
}

/** W&B's default summary: the last value logged for each top-level key, plus `_wandb.runtime`. */
function deriveSummary(history: HistoryTable, runtime: number): Record<string, unknown> {
  const summary: Record<string, unknown> = {}
  for (let i = 0; i < history.rowCount; i++) Object.assign(summary, history.rowAt(i))
  if (history.rowCount > 0) {
    summary._step = lastStepOf(history)
    summary._wandb = { runtime: Math.round(runtime) }
  }
  return summary
}

/** A console line time: one second per line after the run start. */
function lineTime(createdAt: string, index: number): string {
  return new Date(Date.parse(createdAt + 'Z') + index * 1000).toISOString()
}

/** Console lines from a stored `output.log` (`ERROR ` lines count as stderr). */
function linesOfOutputLog(run: RunRecord): StoredLogLine[] {
  const file = run.files.get('output.log')
  if (!file) return []
  const text = new TextDecoder().decode(file.bytes)
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines.map((line, i) => ({
    number: i,
    line,
    level: line.startsWith('ERROR ') ? 'error' : '',
    timestamp: lineTime(run.createdAt, i),
  }))
}
