/**
 * A run's lifecycle on the server: changing it (`updateRunState`), asking it to stop (`stopRun`),
 * deleting the run, and waiting until it ends.
 *
 * @module
 */
import { linkedAbort } from '../linked_abort.ts'
import {
  deleteRunMutation,
  RUN_STATE_QUERY,
  STOP_RUN_MUTATION,
  UPDATE_RUN_STATE_MUTATION,
} from './queries.ts'
import { sleep } from '../http/retry_policy.ts'
import type { GraphqlTransport } from './transport.ts'
import { WandbApiError } from './wandb_api_error.ts'

/** The states a run never leaves on its own: `waitUntilFinished` returns on each of them. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set([
  'finished',
  'failed',
  'crashed',
  'killed',
  'preempted',
])

/** The states `updateState` may set. */
export type SettableRunState = 'pending' | 'failed'

/**
 * The transitions the server allows, by target state (runs.py `Run.update_state` docstring):
 * `pending` from running, failed, crashed or preempted; `failed` from pending or running.
 */
export const STATE_TRANSITIONS: Readonly<Record<SettableRunState, readonly string[]>> = Object
  .freeze({
    pending: ['running', 'failed', 'crashed', 'preempted'],
    failed: ['pending', 'running'],
  })

/** The run a state request addresses. */
export interface RunStateTarget {
  readonly entity: string
  readonly project: string
  readonly id: string
  readonly storageId: string
  readonly runPath: string
  readonly sweepName?: string
}

/**
 * Checks a state change before sending it: the target must be `pending` or `failed` (TypeError),
 * the run must not belong to a sweep, and the transition must be allowed (RangeError).
 */
export function checkStateTransition(run: RunStateTarget, from: string, to: string): void {
  if (!Object.hasOwn(STATE_TRANSITIONS, to)) {
    throw new TypeError(
      `Cannot set run ${run.runPath} to state '${to}': W&B lets a client set only 'pending' or 'failed'`,
    )
  }
  if (run.sweepName) {
    throw new RangeError(
      `Cannot change the state of run ${run.runPath}: it belongs to sweep ${run.sweepName}, and sweep runs keep their state`,
    )
  }
  const allowed = STATE_TRANSITIONS[to as SettableRunState]
  if (!allowed.includes(from)) {
    throw new RangeError(
      `Cannot change the state of run ${run.runPath} from '${from}' to '${to}': W&B allows '${to}' only from ${
        allowed.map((s) => `'${s}'`).join(', ')
      }`,
    )
  }
}

/** Sends `UpdateRunState`; a refused change (`success: false`) is a WandbApiError. */
export async function sendRunState(
  transport: GraphqlTransport,
  run: RunStateTarget,
  state: SettableRunState,
  signal?: AbortSignal,
): Promise<void> {
  const data = await transport.request(UPDATE_RUN_STATE_MUTATION, {
    input: { id: run.storageId, state },
  }, { signal, runPath: run.runPath }) as { updateRunState?: { success?: unknown } | null } | null
  if (data?.updateRunState?.success !== true) {
    throw new WandbApiError(
      `UpdateRunState for ${run.runPath} was refused: the server did not change the state to '${state}'; read the run again to see its state`,
      {
        code: 'bad-response',
        status: 200,
        operation: UPDATE_RUN_STATE_MUTATION.name,
        runPath: run.runPath,
      },
    )
  }
}

/** Sends `StopRun` (sets the run's stop flag; the process running it stops on its next heartbeat). */
export async function sendStopRun(
  transport: GraphqlTransport,
  run: RunStateTarget,
  signal?: AbortSignal,
): Promise<void> {
  await transport.request(STOP_RUN_MUTATION, { id: run.storageId }, {
    signal,
    runPath: run.runPath,
  })
}

/** Sends `DeleteRun`, with `deleteArtifacts` declared only when true (runs.py `Run.delete`). */
export async function sendDeleteRun(
  transport: GraphqlTransport,
  run: RunStateTarget,
  deleteArtifacts: boolean,
  signal?: AbortSignal,
): Promise<void> {
  await transport.request(deleteRunMutation(deleteArtifacts), {
    id: run.storageId,
    deleteArtifacts,
  }, { signal, runPath: run.runPath })
}

/** Reads the run's current state (`RunState`); a run that no longer exists is a not-found error. */
export async function readRunState(
  transport: GraphqlTransport,
  run: RunStateTarget,
  signal?: AbortSignal,
): Promise<string> {
  const data = await transport.request(RUN_STATE_QUERY, {
    project: run.project,
    entity: run.entity,
    name: run.id,
  }, { signal, runPath: run.runPath }) as {
    project?: { run?: { state?: unknown } | null } | null
  } | null
  const node = data?.project?.run
  if (!node) {
    throw new WandbApiError(
      `Cannot read the state of run ${run.runPath}: it does not exist (deleted?)`,
      { code: 'not-found', status: 404, operation: RUN_STATE_QUERY.name, runPath: run.runPath },
    )
  }
  return String(node.state ?? 'unknown')
}

/** Options of `run.waitUntilFinished()`. */
export interface WaitUntilFinishedOptions {
  /** Wait before the second poll, in ms; later waits grow 1.5× per poll. @default 5000 */
  pollIntervalMs?: number
  /** Longest wait between two polls, in ms. @default 60000 */
  maxPollIntervalMs?: number
  /** Give up after this many ms with a `TimeoutError` DOMException. @default no limit */
  timeoutMs?: number
  /** Cancels the wait; the promise rejects with the signal's reason. */
  signal?: AbortSignal
  /** Called with the state after every poll (e.g. to print progress). */
  onState?: (state: string) => void
}

/** Validates the wait options (RangeError for a non-positive or non-finite value). */
function checkWaitOptions(options: WaitUntilFinishedOptions): void {
  for (const key of ['pollIntervalMs', 'maxPollIntervalMs', 'timeoutMs'] as const) {
    const value = options[key]
    if (value !== undefined && !(typeof value === 'number' && value > 0 && value < Infinity)) {
      throw new RangeError(
        `Cannot wait with ${key}=${String(value)}: expected a positive number of milliseconds`,
      )
    }
  }
}

/** The wait after poll number `poll` (0-based): `first`, growing 1.5× per poll, capped at `max`. */
export function pollWaitMs(poll: number, first: number, max: number): number {
  return Math.min(max, first * 1.5 ** poll)
}

/**
 * Polls `RunState` until the state is terminal ({@link TERMINAL_STATES}) and returns it; the
 * wait between polls starts at `pollIntervalMs` and grows 1.5× up to `maxPollIntervalMs`.
 */
export async function waitForTerminalState(
  transport: GraphqlTransport,
  run: RunStateTarget,
  options: WaitUntilFinishedOptions = {},
): Promise<string> {
  checkWaitOptions(options)
  const first = options.pollIntervalMs ?? 5_000
  const max = Math.max(first, options.maxPollIntervalMs ?? 60_000)
  if (options.signal?.aborted) throw options.signal.reason
  const { controller, unlink } = linkedAbort(options.signal)
  let state = 'unknown'
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
    controller.abort(
      new DOMException(
        `Run ${run.runPath} was still '${state}' after ${options.timeoutMs} ms of waiting; wait longer or check the run`,
        'TimeoutError',
      ),
    )
  }, options.timeoutMs)
  const signal = controller.signal
  try {
    for (let poll = 0;; poll++) {
      state = await readRunState(transport, run, signal).catch((err) => {
        throw signal.aborted ? signal.reason : err
      })
      options.onState?.(state)
      if (TERMINAL_STATES.has(state)) return state
      await sleep(pollWaitMs(poll, first, max), signal)
    }
  } finally {
    clearTimeout(timer)
    unlink()
  }
}
