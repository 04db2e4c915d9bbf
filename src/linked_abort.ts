/**
 * An AbortController that follows an outer signal, so a stream or an attempt can stop itself
 * without aborting its caller.
 *
 * @module
 */

/** A controller that aborts when `outer` does (with its reason); `unlink()` stops following `outer`. */
export function linkedAbort(outer: AbortSignal | undefined): {
  controller: AbortController
  unlink: () => void
} {
  const controller = new AbortController()
  const onAbort = () => controller.abort(outer?.reason)
  if (outer?.aborted) controller.abort(outer.reason)
  else outer?.addEventListener('abort', onAbort, { once: true })
  return { controller, unlink: () => outer?.removeEventListener('abort', onAbort) }
}
