/**
 * The timing every remote follower shares (polled system metrics, history): which failed polls
 * are retried and how many in a row, and the wait before the next poll, cut short at the idle
 * timeout, which ends following with a FollowIdleError naming the run and what was seen last.
 *
 * @module
 */
import { FollowIdleError } from '../follow_idle_error.ts'
import { WandbApiError } from './wandb_api_error.ts'

/** Consecutive failed polls tolerated (after the transport's own retries) before the stream errors. */
export const MAX_FAILED_POLLS = 3

/** Whether a failed poll is worth another try: the transport ran out of retries on a transient failure. */
export function retryablePoll(err: unknown): boolean {
  return err instanceof WandbApiError && err.code === 'retries-exhausted'
}

/** The fixed part of what {@linkcode idleBoundedWait} decides from: the run, what is followed, the timeout. */
export interface IdleWatch {
  /** `entity/project/run_id`, for the message. */
  runPath: string
  /** What is followed, for the message (`history row`, `system metrics`). */
  what: string
  /** The idle timeout in ms, or undefined for none. */
  idleTimeoutMs: number | undefined
  /** What was seen last, for the message (`history step 41 (state running)`). */
  lastSeen: () => string
}

/**
 * The ms to wait before the next poll: `waitMs`, cut short at the idle timeout; throws the
 * FollowIdleError of a run that sent nothing new since `dataAt` for `idleTimeoutMs`.
 */
export function idleBoundedWait(
  watch: IdleWatch,
  dataAt: number,
  waitMs: number,
  now: number = Date.now(),
): number {
  const idle = now - dataAt
  const timeout = watch.idleTimeoutMs
  if (timeout === undefined) return waitMs
  if (idle >= timeout) {
    const seen = watch.lastSeen()
    throw new FollowIdleError(
      `Run ${watch.runPath} looks stalled: no new ${watch.what} for ${
        Math.round(idle / 1000)
      } s; last seen: ${seen}. Raise the idle timeout to keep waiting, or check the run`,
      idle,
      seen,
    )
  }
  return Math.max(0, Math.min(waitMs, timeout - idle))
}
