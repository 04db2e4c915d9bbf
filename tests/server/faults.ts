/**
 * Fault injection on demand: per origin, GraphQL operation, path or method; by count or by
 * probability (seeded, so runs repeat exactly); as an error status (429 with `Retry-After`,
 * 500/502/503, ...), a dropped connection, a truncated body, a slow response, or a GraphQL error
 * inside a 200 answer.
 *
 * @module
 */
import { seededRandom } from '../_seeded_random.ts'

export { seededRandom }

/**
 * What a fault does: an error status, a dropped connection, a body cut short, a stall, or (API
 * origin only) a 200 answer whose body carries GraphQL `errors` and null `data`.
 */
export type FaultKind = 'status' | 'drop' | 'truncate' | 'slow' | 'graphql-error'

/** Which of the two origins a request reached. */
export type Origin = 'api' | 'files'

/** A request as fault rules see it. */
export interface FaultTarget {
  origin: Origin
  method: string
  /** URL path without the query string. */
  path: string
  /** GraphQL operation name (API origin only). */
  operation?: string
}

/** One fault rule. */
export interface FaultRule {
  /** What happens. */
  kind: FaultKind
  /** Only requests to this origin; @default both */
  origin?: Origin
  /** Only GraphQL requests for this operation name (e.g. `HistoryPage`). */
  operation?: string
  /** Only paths starting with this string, or matching this RegExp. */
  path?: string | RegExp
  /** Only this HTTP method (upper-case). */
  method?: string
  /** Status for `status` faults; @default 503 */
  status?: number
  /** `Retry-After` header value (seconds or an HTTP date) for `status` faults. */
  retryAfter?: number | string
  /** Body for `status` faults; @default a W&B-style JSON error (API) or an XML error (files) */
  body?: string
  /** Message for `graphql-error` faults; @default 'injected GraphQL error' */
  message?: string
  /** Bytes of the body sent before the connection is cut, for `truncate`; @default half */
  truncateAt?: number
  /** Delay in ms for `slow`; @default 1000 */
  delayMs?: number
  /**
   * For `slow`: send the headers and half the body first, then stall.
   * @default false (stall before the headers)
   */
  stallBody?: boolean
  /** How many times the rule fires; @default 1, or unlimited when `probability` is set */
  count?: number
  /** Matching requests let through before the rule may fire; @default 0 */
  skip?: number
  /** Chance to fire per matching request, from the seeded generator; @default 1 */
  probability?: number
}

/** A fault that fired. */
export interface InjectedFault {
  ruleId: number
  kind: FaultKind
  target: FaultTarget
}

/** A handle on an added rule. */
export interface FaultHandle {
  /** Rule ID. */
  readonly id: number
  /** How many times it has fired. */
  fired(): number
  /** Removes the rule. */
  remove(): void
}

interface ActiveRule {
  id: number
  rule: FaultRule
  seen: number
  fired: number
}

/** Holds fault rules and decides, request by request, whether one fires. */
export class FaultInjector {
  /** Every fault that fired, in order. */
  readonly injected: InjectedFault[] = []
  #rules: ActiveRule[] = []
  #nextId = 1
  #random: () => number

  /** Creates an injector whose probabilities come from a generator seeded with `seed`. */
  constructor(seed = 1) {
    this.#random = seededRandom(seed)
  }

  /** Adds a rule; rules are tried in the order they were added. */
  add(rule: FaultRule): FaultHandle {
    if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
      throw new RangeError(
        `Cannot add fault rule: probability ${rule.probability} is not in [0, 1]`,
      )
    }
    if (
      rule.kind === 'status' && rule.status !== undefined &&
      (rule.status < 400 || rule.status > 599)
    ) {
      throw new RangeError(
        `Cannot add fault rule: status ${rule.status} is not an error status (400-599)`,
      )
    }
    if (rule.kind === 'graphql-error' && rule.origin === 'files') {
      throw new RangeError(
        'Cannot add fault rule: graphql-error faults apply to the API origin only',
      )
    }
    const active: ActiveRule = { id: this.#nextId++, rule, seen: 0, fired: 0 }
    this.#rules.push(active)
    return {
      id: active.id,
      fired: () => active.fired,
      remove: () => {
        this.#rules = this.#rules.filter((r) => r !== active)
      },
    }
  }

  /** Removes every rule (the `injected` log is kept). */
  clear(): void {
    this.#rules = []
  }

  /** Restarts the generator behind probabilities. */
  reseed(seed: number): void {
    this.#random = seededRandom(seed)
  }

  /** The rule that fires for a request, if any (and records it). */
  decide(target: FaultTarget): FaultRule | undefined {
    for (const active of this.#rules) {
      if (!matches(active.rule, target)) continue
      active.seen++
      const rule = active.rule
      if (active.seen <= (rule.skip ?? 0)) continue
      const limit = rule.count ?? (rule.probability === undefined ? 1 : Infinity)
      if (active.fired >= limit) continue
      if (rule.probability !== undefined && this.#random() >= rule.probability) continue
      active.fired++
      this.injected.push({ ruleId: active.id, kind: rule.kind, target })
      return rule
    }
    return undefined
  }
}

/** Whether a rule's filters all accept a request. */
function matches(rule: FaultRule, t: FaultTarget): boolean {
  if (rule.origin && rule.origin !== t.origin) return false
  if (rule.kind === 'graphql-error' && t.origin !== 'api') return false
  if (rule.method && rule.method.toUpperCase() !== t.method) return false
  if (rule.operation && rule.operation !== t.operation) return false
  if (rule.path !== undefined) {
    if (typeof rule.path === 'string' ? !t.path.startsWith(rule.path) : !rule.path.test(t.path)) {
      return false
    }
  }
  return true
}
