/**
 * `verifyDataset`: checks an export folder against its manifests: every recorded file is there
 * with its size and sha256, each run's history rows add up to its `historyLineCount` and reach
 * its `lastHistoryStep`, parts are contiguous, no run failed or stayed incomplete, no stray
 * file sits in a run's history folder (where engines would read it), and every Parquet history
 * part has the dataset's one schema (which all shards' manifests agree on).
 *
 * @module
 */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { hashFile } from './atomic_file.ts'
import { isManifestName, partitionDir } from './layout.ts'
import { parquetPartSchema, sameSchema } from './dataset_schema.ts'
import type { HistorySchema } from './history_schema.ts'
import type { FileRecord, Manifest, RunEntry } from './manifest.ts'
import { filesOfEntry, readManifest } from './manifest_file.ts'

/** What kind of shortfall a problem is. */
export type VerifyProblemKind =
  | 'interrupted'
  | 'failed'
  | 'incomplete'
  | 'missing-file'
  | 'size-mismatch'
  | 'checksum-mismatch'
  | 'row-count'
  | 'step-coverage'
  | 'part-order'
  | 'unrecorded-file'
  | 'schema-mismatch'

/** One problem found. */
export interface VerifyProblem {
  /** The kind. */
  kind: VerifyProblemKind
  /** The run concerned, if any. */
  runId?: string
  /** The file concerned (relative to the folder), if any. */
  file?: string
  /** What is wrong, in words. */
  message: string
}

/** What a verification found. */
export interface VerifyReport {
  /** True when there is no problem. */
  ok: boolean
  /** Manifest files checked. */
  manifests: string[]
  /** Runs checked. */
  runs: number
  /** Files checked. */
  files: number
  /** History rows recorded. */
  rows: number
  /** Bytes checked. */
  bytes: number
  /** Every problem, in check order. */
  problems: VerifyProblem[]
}

/** Options of {@linkcode verifyDataset}. */
export interface VerifyOptions {
  /** Compute sha256 of every file (false: sizes only). @default true */
  checksums?: boolean
  /** Files hashed at once. @default 4 */
  concurrency?: number
  /** Cancels the check. */
  signal?: AbortSignal
}

/** Verifies every manifest in `dir`; throws when the folder holds none. */
export async function verifyDataset(
  dir: string,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const names = (await readdir(dir)).sort()
  const manifests = names.filter(isManifestName)
  if (manifests.length === 0) {
    throw new Error(
      `Cannot verify ${dir}: it holds no wbx-manifest.json; is it a wbx export folder?`,
    )
  }
  const report: VerifyReport = {
    ok: true,
    manifests,
    runs: 0,
    files: 0,
    rows: 0,
    bytes: 0,
    problems: [],
  }
  const problem = (p: VerifyProblem) => report.problems.push(p)
  for (const journal of names.filter((n) => /^\.wbx-journal.*\.ndjson$/.test(n))) {
    if ((await stat(join(dir, journal))).size > 0) {
      problem({
        kind: 'interrupted',
        file: journal,
        message:
          `${journal} holds unfinished progress: an export was interrupted; run wbx export again to finish it`,
      })
    }
  }
  const files: { record: FileRecord; runId?: string }[] = []
  const schemas: string[] = []
  for (const name of manifests) {
    const manifest = (await readManifest(join(dir, name)))!
    checkManifest(manifest, name, problem)
    if (manifest.runsTable) files.push({ record: manifest.runsTable })
    if (manifest.historySchema) schemas.push(JSON.stringify(manifest.historySchema))
    for (const id of manifest.selection) {
      const entry = manifest.runs[id]
      if (!entry) continue
      if (manifest.historySchema && manifest.query.format === 'parquet') {
        await checkPartSchemas(dir, id, entry, manifest.historySchema, problem)
      }
      report.runs++
      report.rows += entry.history?.rows ?? 0
      for (const record of filesOfEntry(entry)) files.push({ record, runId: id })
      await findStrays(dir, id, new Set(filesOfEntry(entry).map((f) => f.file)), problem)
    }
  }
  let next = 0
  const lane = async () => {
    while (next < files.length) {
      const { record, runId } = files[next++]
      report.files++
      report.bytes += record.bytes
      await checkFile(dir, record, runId, options, problem)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, lane))
  if (new Set(schemas).size > 1) {
    problem({
      kind: 'schema-mismatch',
      message: `the manifests record ${
        new Set(schemas).size
      } different history schemas: run each shard's wbx export again so they agree`,
    })
  }
  report.ok = report.problems.length === 0
  return report
}

/** Checks the manifest's own records: completion, failures, row counts, step coverage, part order. */
function checkManifest(m: Manifest, name: string, problem: (p: VerifyProblem) => void): void {
  if (m.finishedAt === null) {
    problem({
      kind: 'interrupted',
      file: name,
      message: `${name}: the last export did not finish; run wbx export again`,
    })
  }
  for (const f of m.failures) {
    problem({
      kind: 'failed',
      runId: f.runId,
      message: `run ${f.runId} failed after ${f.attempts} attempts: ${f.error}`,
    })
  }
  const failed = new Set(m.failures.map((f) => f.runId))
  const keysSelected = m.query.keys !== null
  for (const id of m.selection) {
    const entry = m.runs[id]
    if (failed.has(id)) continue
    if (!entry?.complete) {
      problem({ kind: 'incomplete', runId: id, message: `run ${id} is not completely exported` })
      continue
    }
    const h = entry.history
    if (!h || !m.query.include.history) continue
    let sum = 0
    let last = -1
    for (const part of h.parts) {
      sum += part.rows
      if (part.minStep !== null && part.minStep <= last) {
        problem({
          kind: 'part-order',
          runId: id,
          file: part.file,
          message:
            `${part.file} starts at step ${part.minStep}, not after step ${last} of the part before`,
        })
      }
      last = part.maxStep ?? last
    }
    if (sum !== h.rows) {
      problem({
        kind: 'row-count',
        runId: id,
        message: `run ${id}: parts hold ${sum} rows but the manifest records ${h.rows}`,
      })
    }
    if (!keysSelected && h.rows !== entry.historyLineCount) {
      problem({
        kind: 'row-count',
        runId: id,
        message:
          `run ${id}: ${h.rows} history rows exported, the run has ${entry.historyLineCount} (historyLineCount)`,
      })
    }
    if (!keysSelected && h.lastStep < entry.lastHistoryStep) {
      problem({
        kind: 'step-coverage',
        runId: id,
        message:
          `run ${id}: history exported through step ${h.lastStep}, the run's last step is ${entry.lastHistoryStep}`,
      })
    }
  }
}

/** Checks that every Parquet history part of a run has the dataset's columns and types. */
async function checkPartSchemas(
  dir: string,
  runId: string,
  entry: RunEntry,
  schema: HistorySchema,
  problem: (p: VerifyProblem) => void,
): Promise<void> {
  for (const part of entry.history?.parts ?? []) {
    let found: HistorySchema
    try {
      found = await parquetPartSchema(join(dir, part.file))
    } catch {
      continue // a missing or damaged file is reported by the file checks
    }
    if (!sameSchema(found, schema)) {
      problem({
        kind: 'schema-mismatch',
        runId,
        file: part.file,
        message:
          `${part.file} has ${found.columns.length} columns, not the dataset's ${schema.columns.length} (or other types); engines would drop or mistype columns: run wbx export again`,
      })
    }
  }
}

/** Checks one recorded file's presence, size and (optionally) sha256. */
async function checkFile(
  dir: string,
  record: FileRecord,
  runId: string | undefined,
  options: VerifyOptions,
  problem: (p: VerifyProblem) => void,
): Promise<void> {
  const path = join(dir, record.file)
  let size: number
  try {
    size = (await stat(path)).size
  } catch {
    problem({
      kind: 'missing-file',
      runId,
      file: record.file,
      message: `${record.file} is missing`,
    })
    return
  }
  if (size !== record.bytes) {
    problem({
      kind: 'size-mismatch',
      runId,
      file: record.file,
      message: `${record.file} has ${size} bytes, the manifest records ${record.bytes}`,
    })
    return
  }
  if (options.checksums === false) return
  const { sha256 } = await hashFile(path, options.signal)
  if (sha256 !== record.sha256) {
    problem({
      kind: 'checksum-mismatch',
      runId,
      file: record.file,
      message: `${record.file} has sha256 ${sha256}, the manifest records ${record.sha256}`,
    })
  }
}

/** Reports files in a run's table folders that the manifest does not record. */
async function findStrays(
  dir: string,
  runId: string,
  recorded: Set<string>,
  problem: (p: VerifyProblem) => void,
): Promise<void> {
  for (const table of ['history', 'system', 'artifacts'] as const) {
    const rel = partitionDir(table, runId)
    let names: string[]
    try {
      names = await readdir(join(dir, rel))
    } catch {
      continue
    }
    for (const name of names.sort()) {
      const file = `${rel}/${name}`
      if (recorded.has(file)) continue
      problem({
        kind: 'unrecorded-file',
        runId,
        file,
        message: `${file} is not in the manifest; engines reading the folder would read it too`,
      })
    }
  }
}
