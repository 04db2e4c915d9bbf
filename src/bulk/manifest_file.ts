/**
 * Reading, writing and summing a manifest: deterministic JSON text (runs by id, failures by run
 * id, fixed key order), checks of `format` and `version` on read, and totals.
 *
 * @module
 */
import { readFile } from 'node:fs/promises'
import {
  type FileRecord,
  type Manifest,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  type ManifestTotals,
  type RunEntry,
} from './manifest.ts'

/** Every file a run entry records (parts, tables, logs, files). */
export function filesOfEntry(entry: RunEntry): FileRecord[] {
  const out: FileRecord[] = [...(entry.history?.parts ?? [])]
  if (entry.system) out.push(entry.system)
  if (entry.logs) out.push(entry.logs)
  if (entry.artifacts) out.push(entry.artifacts)
  out.push(...(entry.files ?? []))
  return out
}

/** Recomputes the totals from the runs and failures. */
export function computeTotals(manifest: Manifest): ManifestTotals {
  const selected = manifest.selection.map((id) => manifest.runs[id]).filter(Boolean)
  let rows = 0
  let parts = 0
  let bytes = manifest.runsTable?.bytes ?? 0
  for (const entry of Object.values(manifest.runs)) {
    rows += entry.history?.rows ?? 0
    parts += entry.history?.parts.length ?? 0
    for (const f of filesOfEntry(entry)) bytes += f.bytes
  }
  return {
    runs: manifest.selection.length,
    completeRuns: selected.filter((e) => e.complete).length,
    failedRuns: manifest.failures.length,
    historyRows: rows,
    historyParts: parts,
    bytes,
  }
}

/** The manifest as deterministic JSON text (runs by id, failures by run id, two-space indent). */
export function serializeManifest(manifest: Manifest): string {
  const runs: Record<string, RunEntry> = {}
  for (const id of Object.keys(manifest.runs).sort()) runs[id] = manifest.runs[id]
  const failures = [...manifest.failures].sort((a, b) =>
    a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0
  )
  const ordered: Manifest = {
    format: manifest.format,
    version: manifest.version,
    tool: manifest.tool,
    source: manifest.source,
    query: manifest.query,
    startedAt: manifest.startedAt,
    writtenAt: manifest.writtenAt,
    finishedAt: manifest.finishedAt,
    complete: manifest.complete,
    totals: manifest.totals,
    runsTable: manifest.runsTable,
    selection: [...manifest.selection].sort(),
    ...(manifest.historySchema ? { historySchema: manifest.historySchema } : {}),
    runs,
    failures,
  }
  return JSON.stringify(ordered, null, 2) + '\n'
}

/** Reads and checks a manifest; undefined when the file does not exist. */
export async function readManifest(path: string): Promise<Manifest | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  let value: Manifest
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new Error(
      `Cannot read ${path}: it is not valid JSON (${
        (err as Error).message
      }); restore it or export into a new folder`,
    )
  }
  if (value?.format !== MANIFEST_FORMAT) {
    throw new Error(
      `Cannot read ${path}: it is not a wbx export manifest (format ${
        JSON.stringify(value?.format)
      }); export into a new folder`,
    )
  }
  if (value.version !== MANIFEST_VERSION) {
    throw new Error(
      `Cannot read ${path}: manifest version ${value.version} is not ${MANIFEST_VERSION}; use the wbx version that wrote it or export into a new folder`,
    )
  }
  return value
}
