/**
 * The runs of a remote export as the listing delivers them: each listing page is planned and its
 * runs' `historyKeys` grow the dataset schema, and its runs go to the export while later pages
 * are still on their way, so the listing (100 sequential requests for 5,000 runs) no longer
 * comes first.
 *
 * A run takes the schema as it stands when the run starts (`schema()`). A later page can grow
 * it (a new key, a wider type); the parts written with the older schema are then rewritten at
 * the end from their own files (`unify_history.ts`), to the same bytes a part written with the
 * final schema has. So the output does not depend on when pages arrived, and resume stays
 * byte-identical. To bound that rewrite, the feed holds back further runs once a page has grown
 * the schema after runs were handed out, until the listing ends: a project whose runs all log
 * the same keys overlaps its whole listing; one whose keys keep changing rewrites at most the
 * runs started before the first change. With `--shard`, every shard's runs shape the schema from
 * the one listing (all shards write the same columns), and only this shard's go to the export.
 * Columns every listed run only ever logged as null stay
 * out of a run's schema until the listing ends (written as DOUBLE, such a column would widen a
 * later string column to JSON text).
 *
 * @module
 */
import { addHistoryKeys, addMissingKeys, kindsOf, schemaId, schemaOf } from './dataset_schema.ts'
import type { SchemaKinds } from './dataset_schema.ts'
import type { BulkRun, BulkRunHandle } from './bulk_source.ts'
import type { HistorySchema } from './history_schema.ts'

/** Options of {@linkcode RunFeed}. */
export interface RunFeedOptions {
  /** Whether history parts need the dataset schema (Parquet or CSV history). */
  history: boolean
  /** The previous export's schema (the manifest's `historySchema`), which the schema only grows. */
  previous: HistorySchema | undefined
  /** Only these history keys. @default every key */
  keys?: string[]
  /** Whether an opened run is selected (a listed run's fields known only once open). @default every run */
  selects?: (run: BulkRun) => boolean
  /**
   * Whether a selected run is this export's to write (`--shard`): the others only shape the
   * schema, since every shard writes the same columns. @default every selected run
   */
  mine?: (run: BulkRun) => boolean
  /** Told of each run of this export as its page arrives, before any run of that page is handed out. */
  onRun?: (run: BulkRun, handle: BulkRunHandle) => void
  /** Told of each selected run that is not this export's (another shard's). */
  onOther?: (run: BulkRun) => void
}

/** A listing turned into runs for the export pool, with the dataset schema growing page by page. */
export class RunFeed implements AsyncIterable<BulkRunHandle> {
  /** The selected runs listed so far, in listing order. */
  readonly handles: BulkRunHandle[] = []
  readonly #options: RunFeedOptions
  readonly #kinds: SchemaKinds
  #schema: HistorySchema | undefined
  #final: HistorySchema | undefined
  #next = 0
  #given = 0
  #holding = false
  #ended = false
  #failure: { error: unknown } | undefined
  #waiters: (() => void)[] = []
  #listeners: (() => void)[] = []

  /** A feed that {@linkcode listen} fills. */
  constructor(options: RunFeedOptions) {
    this.#options = options
    this.#kinds = kindsOf(options.previous)
    this.#schema = options.history ? this.#current() : undefined
  }

  /** Whether the listing has ended (every run listed, the schema final). */
  get ended(): boolean {
    return this.#ended
  }

  /** Whether runs are held back until the listing ends (a page grew the schema mid-export). */
  get holding(): boolean {
    return this.#holding
  }

  /** The schema a run starting now writes its parts with (undefined without history). */
  schema(): HistorySchema | undefined {
    return this.#final ?? this.#schema
  }

  /** The dataset schema once the listing has ended (undefined without history). */
  finalSchema(): HistorySchema | undefined {
    if (!this.#ended || this.#failure) {
      throw new Error('Cannot take the final schema of a listing that has not ended well')
    }
    return this.#final
  }

  /** Calls `listener` whenever more runs are listed, and once when the listing ends. */
  onListed(listener: () => void): void {
    this.#listeners.push(listener)
  }

  /**
   * Reads the listing's pages, opening each run (a remote run opens without a request) to plan
   * it and take its keys; resolves when the listing has ended. A failed page fails the feed: the
   * pool's next take throws it.
   */
  async listen(pages: AsyncIterable<BulkRunHandle[]>, signal: AbortSignal): Promise<void> {
    try {
      for await (const page of pages) {
        for (const handle of page) {
          const run = await handle.open(signal)
          if (this.#options.selects && !this.#options.selects(run)) continue
          if (this.#options.history) {
            addHistoryKeys(this.#kinds, run.historyKeys, this.#options.keys)
          }
          if (this.#options.mine && !this.#options.mine(run)) {
            this.#options.onOther?.(run)
            continue
          }
          this.#options.onRun?.(run, handle)
          this.handles.push(handle)
        }
        if (this.#options.history && !this.#holding) {
          const grown = this.#current()
          if (this.#given > 0 && schemaId(grown) !== schemaId(this.#schema!)) this.#holding = true
          else this.#schema = grown
        }
        this.#wake()
      }
      if (this.#options.history) {
        addMissingKeys(this.#kinds, this.#options.keys)
        this.#final = schemaOf(this.#kinds)
      }
    } catch (error) {
      this.#failure = { error }
    } finally {
      this.#ended = true
      this.#wake()
    }
  }

  /** The runs in listing order, each once, as the pool takes them. */
  [Symbol.asyncIterator](): AsyncIterator<BulkRunHandle> {
    return { next: () => this.#take() }
  }

  /** The next run to hand out, waiting for the listing when it has none (or holds them back). */
  async #take(): Promise<IteratorResult<BulkRunHandle>> {
    for (;;) {
      if (this.#failure) throw this.#failure.error
      const free = !this.#holding || this.#ended
      if (free && this.#next < this.handles.length) {
        this.#given++
        return { done: false, value: this.handles[this.#next++] }
      }
      if (this.#ended) return { done: true, value: undefined }
      await new Promise<void>((resolve) => this.#waiters.push(resolve))
    }
  }

  /** The schema of the keys seen so far, without the columns only ever null. */
  #current(): HistorySchema {
    const known: SchemaKinds = {}
    for (const [name, kind] of Object.entries(this.#kinds)) if (kind !== 'null') known[name] = kind
    return schemaOf(known)
  }

  /** Wakes the takers waiting and tells the listeners. */
  #wake(): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const resolve of waiters) resolve()
    for (const listener of this.#listeners) listener()
  }
}
