/**
 * The file-stream endpoint wandb-core posts a live run to:
 * `POST /files/<entity>/<project>/<run>/file_stream` with a JSON body
 * `{files: {<name>: {offset, content: [line…]}}, uploaded?, preempting?, complete?, exitcode?}`
 * (wandb-core `filestream/filestreamrequest.go`). `wandb-history.jsonl` and
 * `wandb-events.jsonl` lines are rows written at their line offset, `wandb-summary.json`'s last
 * line is the whole summary, `output.log` lines are console lines at their offset, and
 * `complete` ends the run (`finished` for exit code 0, else `failed`). Every request is a
 * heartbeat.
 *
 * @module
 */
import { parseJson } from '../../src/json/parse_json.ts'
import type { Row } from '../../src/row.ts'
import { isRecord } from './history_table.ts'
import { jsonReply, type Reply } from './http_reply.ts'
import { wandbTime } from './ids.ts'
import { LineTable } from './line_table.ts'
import type { RunRecord, StoredLogLine } from './records.ts'
import type { ResolverContext } from './resolver_context.ts'

const ROUTE = /^\/files\/([^/]+)\/([^/]+)\/([^/]+)\/file_stream$/

/** The run path a file-stream URL names, or undefined for any other path. */
export function fileStreamTarget(
  path: string,
): { entity: string; project: string; run: string } | undefined {
  const m = ROUTE.exec(path)
  if (!m) return undefined
  return {
    entity: decodeURIComponent(m[1]),
    project: decodeURIComponent(m[2]),
    run: decodeURIComponent(m[3]),
  }
}

/** One file's update in a request. */
interface FileUpdate {
  offset: number
  content: string[]
}

/** Answers one authorized file-stream POST whose body was parsed as JSON. */
export function handleFileStream(path: string, body: unknown, ctx: ResolverContext): Reply {
  const target = fileStreamTarget(path)!
  const run = ctx.store.run(target.entity, target.project, target.run)
  if (!run) {
    const message = `run ${target.entity}/${target.project}/${target.run} not found`
    return jsonReply(404, { errors: [{ message }] })
  }
  if (!isRecord(body)) {
    return jsonReply(400, { errors: [{ message: 'file_stream body must be a JSON object' }] })
  }
  const files = isRecord(body.files) ? body.files : {}
  let updates: [string, FileUpdate][]
  let rows: Map<string, Row[]>
  try {
    updates = Object.entries(files).map(([name, u]) => [name, checkUpdate(name, u)])
    rows = new Map(
      updates.filter(([name]) => name.endsWith('.jsonl') || name === 'wandb-summary.json')
        .map(([name, u]) => [name, u.content.map((line) => parseRow(name, line))]),
    )
  } catch (err) {
    return jsonReply(400, { errors: [{ message: (err as Error).message }] })
  }
  for (const [name, update] of updates) {
    if (name === 'wandb-history.jsonl') writeHistory(run, update.offset, rows.get(name)!)
    else if (name === 'wandb-events.jsonl') {
      run.events = writeLines(run.events, update.offset, rows.get(name)!)
    } else if (name === 'wandb-summary.json') {
      const lines = rows.get(name)!
      if (lines.length > 0) run.summary = lines[lines.length - 1]
    } else if (name === 'output.log') writeConsole(run, update)
  }
  run.heartbeatAt = wandbTime(Date.now())
  if (body.complete === true) {
    run.state = body.exitcode === 0 || body.exitcode === undefined ? 'finished' : 'failed'
  } else if (run.state !== 'running') {
    // A process streaming into an ended run has resumed it; W&B shows it running again.
    run.state = 'running'
  }
  return jsonReply(200, { exitcode: null, limits: {} })
}

/** Checks one `{offset, content}` entry. */
function checkUpdate(name: string, value: unknown): FileUpdate {
  if (
    !isRecord(value) || !Number.isInteger(value.offset) || (value.offset as number) < 0 ||
    !Array.isArray(value.content) || value.content.some((l) => typeof l !== 'string')
  ) {
    throw new Error(`invalid file_stream update for ${name}: expected {offset, content: [string]}`)
  }
  return { offset: value.offset as number, content: value.content as string[] }
}

/** Parses one JSON line of a history, events or summary file (bare NaN/Infinity accepted). */
function parseRow(name: string, line: string): Row {
  let value: unknown
  try {
    value = parseJson(line)
  } catch (err) {
    throw new Error(`invalid ${name} line: ${(err as Error).message}`)
  }
  if (!isRecord(value)) throw new Error(`invalid ${name} line: expected a JSON object`)
  return value as Row
}

/** Writes rows at their line offsets into a table, switching it to a line table first. */
function writeLines(table: RunRecord['history'], offset: number, rows: Row[]): LineTable {
  const lines = table instanceof LineTable ? table : new LineTable(table)
  rows.forEach((row, i) => lines.setLine(offset + i, row))
  return lines
}

/** Writes history rows and drops what was derived from the old rows (keys, Parquet export). */
function writeHistory(run: RunRecord, offset: number, rows: Row[]): void {
  const rewrites = offset < run.history.rowCount
  run.history = writeLines(run.history, offset, rows)
  run.historyKeysCache = undefined
  if (rewrites) run.exportCache = undefined
}

/** Writes console lines at their offsets; a line may start with `ERROR ` (stderr). */
function writeConsole(run: RunRecord, update: FileUpdate): void {
  update.content.forEach((text, i) => {
    const number = update.offset + i
    if (number > run.logLines.length) return
    run.logLines[number] = consoleLine(number, text)
  })
}

/**
 * A stored console line from the text wandb-core sends: `[ERROR ]<ISO time> <line>`
 * (wandb-core `filestream/updatelogs.go`); text without a time keeps the server's clock.
 */
function consoleLine(number: number, text: string): StoredLogLine {
  let rest = text
  let level = ''
  if (rest.startsWith('ERROR ')) {
    level = 'error'
    rest = rest.slice(6)
  }
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z?) ?/.exec(rest)
  const timestamp = m ? m[1] : new Date().toISOString()
  return { number, line: m ? rest.slice(m[0].length) : rest, level, timestamp }
}
