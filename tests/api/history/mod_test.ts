import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as mod from '../../../src/api/history/mod.ts'
import { scanHistory } from '../../../src/api/history/scan_history.ts'
import { followHistory } from '../../../src/api/history/follow_history.ts'
import { sampledHistory } from '../../../src/api/history/sampled_history.ts'
import { downloadHistoryExports } from '../../../src/api/history/download_exports.ts'
import { IncompleteRunHistoryError } from '../../../src/api/history/incomplete_history_error.ts'
import { fetchLastHistoryStep } from '../../../src/api/history/last_history_step.ts'
import { HistoryShortfallError } from '../../../src/api/history/history_shortfall.ts'

test('api/history/mod.ts re-exports the history readers and their errors', () => {
  const expected: Record<string, unknown> = {
    scanHistory,
    followHistory,
    sampledHistory,
    downloadHistoryExports,
    IncompleteRunHistoryError,
    fetchLastHistoryStep,
    HistoryShortfallError,
  }
  for (const [name, value] of Object.entries(expected)) {
    assert.equal((mod as Record<string, unknown>)[name], value, name)
  }
})
