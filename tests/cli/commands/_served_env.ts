/** Test-only: points the CLI's environment at a test server (fast retries) for one call. */
import process from 'node:process'
import type { TestServer } from '../../server/test_server.ts'

/** Runs `fn` with WANDB_BASE_URL and WANDB_API_KEY set for `server`, then restores the environment. */
export async function withServerEnv<T>(server: TestServer, fn: () => Promise<T>): Promise<T> {
  const values: Record<string, string> = {
    WANDB_BASE_URL: server.baseUrl,
    WANDB_API_KEY: server.apiKey,
    WANDB__GRAPHQL_RETRY_WAIT_MIN_SECONDS: '0.005',
    WANDB__GRAPHQL_RETRY_WAIT_MAX_SECONDS: '0.05',
  }
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]))
  Object.assign(process.env, values)
  try {
    return await fn()
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
}
