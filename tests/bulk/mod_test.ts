import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as mod from '../../src/bulk/mod.ts'
import { exportProject, resolveInclude } from '../../src/bulk/bulk_export.ts'
import { Governor } from '../../src/bulk/governor.ts'
import { LocalBulkSource } from '../../src/bulk/local_bulk_source.ts'
import { RemoteBulkSource } from '../../src/bulk/remote_bulk_source.ts'
import {
  MANIFEST_FORMAT,
  MANIFEST_TIMESTAMP_FIELDS,
  MANIFEST_VERSION,
} from '../../src/bulk/manifest.ts'
import { readManifest } from '../../src/bulk/manifest_file.ts'
import { parseRunIds } from '../../src/bulk/run_query.ts'
import { inShard, parseShard, shardOf } from '../../src/bulk/shard.ts'
import { parseSince } from '../../src/bulk/since.ts'
import { verifyDataset } from '../../src/bulk/verify.ts'

test('bulk/mod.ts re-exports the bulk export API, each from its own file', () => {
  const expected: Record<string, unknown> = {
    exportProject,
    resolveInclude,
    Governor,
    LocalBulkSource,
    RemoteBulkSource,
    MANIFEST_FORMAT,
    MANIFEST_TIMESTAMP_FIELDS,
    MANIFEST_VERSION,
    readManifest,
    parseRunIds,
    inShard,
    parseShard,
    shardOf,
    parseSince,
    verifyDataset,
  }
  for (const [name, value] of Object.entries(expected)) {
    assert.equal((mod as Record<string, unknown>)[name], value, name)
  }
  assert.equal(mod.MANIFEST_FORMAT, 'wbx-export-manifest')
  assert.equal(mod.MANIFEST_VERSION, 1)
  assert.deepEqual(mod.MANIFEST_TIMESTAMP_FIELDS, [
    'startedAt',
    'writtenAt',
    'finishedAt',
    'exportedAt',
  ])
})
