/**
 * The committed SDK 0.31 runs (`tests/fixtures/`) with what the SDK's own protobufs read from each
 * (`expected/<scenario>.json` → `sdk_read`), and the raw sub-message bytes of one Record field,
 * so a decoder's twin can feed it exactly the bytes the SDK wrote.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { framePayloads } from '../../src/local/log_reader.ts'
import { ProtoReader, WIRE_LEN } from '../../src/local/protobuf_reader.ts'
import { ownFixturesDir } from '../_fixtures.ts'

/** One run part of a scenario: its `.wandb` file and the SDK's read-back. */
export interface ExpectedRun {
  scenario: string
  part: number
  wandbFile: string
  // deno-lint-ignore no-explicit-any
  sdkRead: Record<string, any>
}

/** Every run part of every scenario, in file-name order. */
export function expectedRuns(): ExpectedRun[] {
  const dir = join(ownFixturesDir, 'expected')
  const out: ExpectedRun[] = []
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const doc = JSON.parse(readFileSync(join(dir, name), 'utf8'))
    for (const run of doc.runs) {
      out.push({
        scenario: doc.scenario,
        part: run.part,
        wandbFile: join(ownFixturesDir, 'runs', run.wandb_file),
        sdkRead: run.sdk_read,
      })
    }
  }
  return out
}

/** A reader over the body of each top-level `field` (a length-delimited sub-message) in the file's records. */
export function recordFields(wandbFile: string, field: number): ProtoReader[] {
  const out: ProtoReader[] = []
  for (const { payload } of framePayloads(readFileSync(wandbFile))) {
    const r = new ProtoReader(payload)
    while (r.pos < r.end) {
      const tag = r.tag()
      if (tag >>> 3 === field && (tag & 7) === WIRE_LEN) {
        const end = r.lengthEnd()
        out.push(new ProtoReader(payload, r.pos, end))
        r.pos = end
      } else r.skip(tag & 7)
    }
  }
  return out
}
