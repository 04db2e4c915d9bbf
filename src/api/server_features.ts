/**
 * The server's feature flags (`ServerFeaturesQuery`), asked once per transport as wandb-core asks
 * once per client.
 *
 * @module
 */
import { SERVER_FEATURES_QUERY } from './queries.ts'
import type { GraphqlTransport } from './transport.ts'

/** Server features the write side checks (names as `serverInfo.features` reports them). */
export type ServerFeatureName =
  | 'MARK_RUN_FILES_UPLOADED'
  | 'USE_ARTIFACT_WITH_ENTITY_AND_PROJECT_INFORMATION'

const cache = new WeakMap<GraphqlTransport, Promise<ReadonlySet<string>>>()

/** Fetches the enabled feature names; a failed query counts as "none enabled", as in the SDK. */
async function fetchFeatures(
  transport: GraphqlTransport,
  signal?: AbortSignal,
): Promise<ReadonlySet<string>> {
  const data = await transport.request(SERVER_FEATURES_QUERY, {}, { signal }) as {
    serverInfo?: { features?: { name?: unknown; isEnabled?: unknown }[] | null } | null
  } | null
  const names = new Set<string>()
  for (const f of data?.serverInfo?.features ?? []) {
    if (f && f.isEnabled === true && typeof f.name === 'string') names.add(f.name)
  }
  return names
}

/**
 * Whether the server reports `feature` as enabled. The answer is cached per transport; a failed
 * query (an old server without `serverInfo`) means disabled and is asked again next time.
 */
export async function serverFeatureEnabled(
  transport: GraphqlTransport,
  feature: ServerFeatureName,
  signal?: AbortSignal,
): Promise<boolean> {
  let pending = cache.get(transport)
  if (!pending) {
    pending = fetchFeatures(transport, signal)
    cache.set(transport, pending)
    pending.catch(() => cache.delete(transport))
  }
  try {
    return (await pending).has(feature)
  } catch {
    if (signal?.aborted) throw signal.reason
    return false
  }
}
