/**
 * What every resolver can reach: the store, the two origins and the server's behaviour switches.
 *
 * @module
 */
import type { UrlSigner } from './signed_urls.ts'
import type { ServerStore } from './store.ts'

/** A server feature flag as `serverInfo.features` reports it. */
export interface ServerFeature {
  name: string
  isEnabled: boolean
}

/** The GraphQL context value. */
export interface ResolverContext {
  /** The data. */
  store: ServerStore
  /** The API origin (for `File.url`), e.g. `http://127.0.0.1:41233`. */
  apiOrigin: string
  /** Signs files-origin URLs. */
  signer: UrlSigner
  /** Features reported by `serverInfo`. */
  features: ServerFeature[]
  /** Whether `parquetUrls` come back in a shuffled order (the real server promises no order). */
  shuffleParquetUrls: boolean
  /** Seeded random numbers in [0, 1). */
  random: () => number
  /** Entities the viewer may read but not write (mutations answer 403). */
  readOnlyEntities?: readonly string[]
}
