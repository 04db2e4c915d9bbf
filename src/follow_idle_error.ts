/**
 * The error a followed stream ends with when a live run sends nothing new for longer than the
 * idle timeout, for local and remote runs alike.
 *
 * @module
 */

/** No new data arrived while following for longer than the idle timeout: the run looks stalled. */
export class FollowIdleError extends Error {
  /** Milliseconds since new data last arrived. */
  readonly idleMs: number
  /** What the stream saw last (e.g. `history step 41`). */
  readonly lastSeen: string

  /** Creates the error with its message, the idle time and what was last seen. */
  constructor(message: string, idleMs: number, lastSeen: string) {
    super(message)
    this.name = 'FollowIdleError'
    this.idleMs = idleMs
    this.lastSeen = lastSeen
  }
}
