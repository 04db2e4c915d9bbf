import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  encodeRunId,
  extensionOf,
  filesDir,
  isManifestName,
  journalName,
  logPath,
  manifestName,
  partitionDir,
  partPath,
  runsTableName,
} from '../../src/bulk/layout.ts'

test('encodeRunId percent-encodes UTF-8 bytes outside [A-Za-z0-9_-] and refuses an empty id', () => {
  assert.equal(encodeRunId('ab12_x-Y'), 'ab12_x-Y')
  assert.equal(encodeRunId('a/b.c'), 'a%2Fb%2Ec')
  assert.equal(encodeRunId('é'), '%C3%A9')
  assert.equal(encodeRunId('..'), '%2E%2E')
  assert.throws(() => encodeRunId(''), {
    name: 'TypeError',
    message: 'Cannot place a run with an empty id in the export folder',
  })
})

test('table, log and file paths are Hive-partitioned by run', () => {
  assert.equal(partitionDir('system', 'r 1'), 'system/run_id=r%201')
  assert.equal(partPath('history', 'ab12', 3, 'parquet'), 'history/run_id=ab12/part-00003.parquet')
  assert.equal(partPath('artifacts', 'ab', 123456, 'csv'), 'artifacts/run_id=ab/part-123456.csv')
  assert.equal(extensionOf('ndjson'), 'ndjson')
  assert.equal(logPath('a/b'), 'logs/a%2Fb/output.log')
  assert.equal(filesDir('ab12'), 'files/ab12')
})

test('manifest, journal and runs table names carry the shard', () => {
  const shard = { index: 1, count: 4 }
  assert.equal(manifestName(undefined), 'wbx-manifest.json')
  assert.equal(manifestName(shard), 'wbx-manifest-shard-1-of-4.json')
  assert.equal(journalName(undefined), '.wbx-journal.ndjson')
  assert.equal(journalName(shard), '.wbx-journal-shard-1-of-4.ndjson')
  assert.equal(runsTableName(undefined, 'parquet'), 'runs.parquet')
  assert.equal(runsTableName(shard, 'csv'), 'runs-shard-1-of-4.csv')
  assert.equal(isManifestName('wbx-manifest.json'), true)
  assert.equal(isManifestName(manifestName(shard)), true)
  assert.equal(isManifestName('wbx-manifest.json.bak'), false)
  assert.equal(isManifestName('wbx-manifest-shard-x-of-4.json'), false)
})
