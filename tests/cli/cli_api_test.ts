import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cliApi } from '../../src/cli/cli_api.ts'
import { Api } from '../../src/api/api.ts'
import type { RetryReporter } from '../../src/cli/retry_reporter.ts'

/** A distinctive 40-character key, so registering it as a secret redacts nothing else. */
const KEY = 'cliapitest'.repeat(4)

test('cliApi wires the command retry reporter into the client and keeps the given options', () => {
  const onRetry = () => {}
  const api = cliApi({ retries: { onRetry } as unknown as RetryReporter }, {
    apiKey: KEY,
    baseUrl: 'https://wandb.example',
    entity: 'team',
    project: 'proj',
  })
  assert.ok(api instanceof Api)
  assert.equal(api.exportFetch.onRetry, onRetry)
  assert.equal(api.baseUrl, 'https://wandb.example')
  assert.equal(api.entity, 'team')
  assert.equal(api.project, 'proj')
})

test('cliApi lets an explicit onRetry option win and works without a reporter', () => {
  const mine = () => {}
  const fromReporter = () => {}
  const api = cliApi({ retries: { onRetry: fromReporter } as unknown as RetryReporter }, {
    apiKey: KEY,
    baseUrl: 'https://wandb.example',
    onRetry: mine,
  })
  assert.equal(api.exportFetch.onRetry, mine)
  const bare = cliApi({}, { apiKey: KEY, baseUrl: 'https://wandb.example' })
  assert.equal(bare.exportFetch.onRetry, undefined)
})
