/**
 * The query root (`viewer`, `project`, `serverInfo`, `artifact`) and the `Project` type with its
 * filtered, ordered, cursor-paged `runs`.
 *
 * @module
 */
import { type Connection, paginate } from './connection.ts'
import { nodeId } from './ids.ts'
import type { ArtifactRecord, ProjectRecord } from './records.ts'
import { versionByAlias } from './artifact_records.ts'
import type { ResolverContext, ServerFeature } from './resolver_context.ts'
import { ArtifactNode, CollectionNode, MembershipNode } from './resolve_artifacts.ts'
import { RunNode } from './resolve_run.ts'
import { compileFilters } from './run_filters.ts'
import { compareRunKeys, parseOrder, runKey, sortRuns } from './run_order.ts'

/** The query root's fields. */
export const queryRoot = {
  /** The user the API key belongs to. */
  viewer(_args: unknown, ctx: ResolverContext): Record<string, unknown> {
    const v = ctx.store.viewer
    return {
      id: nodeId('User', v.username),
      name: v.name,
      username: v.username,
      email: v.email,
      admin: false,
      flags: '{}',
      entity: v.entity,
      deletedAt: null,
      apiKeys: {
        edges: [{ node: { id: nodeId('ApiKey', 1), name: 'test key', description: null } }],
      },
      teams: { edges: v.teams.map((name) => ({ node: { id: nodeId('Entity', name), name } })) },
    }
  },

  /** A project, or null. */
  project(
    args: { name?: string | null; entityName?: string | null },
    ctx: ResolverContext,
  ): ProjectNode | null {
    const entity = args.entityName ?? ctx.store.viewer.entity
    const record = args.name ? ctx.store.project(entity, args.name) : undefined
    return record ? new ProjectNode(record, ctx) : null
  },

  /** The legacy name of `project` (wandb-core's RunResumeStatus). */
  model(
    args: { name?: string | null; entityName?: string | null },
    ctx: ResolverContext,
  ): ProjectNode | null {
    return queryRoot.project(args, ctx)
  },

  /** Server features. */
  serverInfo(_args: unknown, ctx: ResolverContext): { features: ServerFeature[] } {
    return { features: ctx.features }
  },

  /** An artifact version by node ID, or null. */
  artifact(args: { id: string }, ctx: ResolverContext): ArtifactNode | null {
    const record = ctx.store.artifacts.get(args.id)
    return record ? new ArtifactNode(record, ctx) : null
  },
}

/** Arguments of `Project.runs`. */
export interface RunsArgs {
  filters?: string | null
  order?: string | null
  first?: number | null
  after?: string | null
}

/** Resolves a project. */
export class ProjectNode {
  #p: ProjectRecord
  #ctx: ResolverContext

  /** Wraps a project record for one request. */
  constructor(project: ProjectRecord, ctx: ResolverContext) {
    this.#p = project
    this.#ctx = ctx
  }

  /** Node ID. */
  get id(): string {
    return this.#p.id
  }
  /** The numeric internal ID, as a string. */
  get internalId(): string {
    return String(this.#p.internalId)
  }
  /** Name. */
  get name(): string {
    return this.#p.name
  }
  /** Entity name. */
  get entityName(): string {
    return this.#p.entity
  }
  /** The entity. */
  get entity(): { id: string; name: string } {
    return { id: nodeId('Entity', this.#p.entity), name: this.#p.entity }
  }
  /** Always false: the viewer may read every project. */
  get readOnly(): boolean {
    return false
  }
  /** Creation time. */
  get createdAt(): string {
    return this.#p.createdAt
  }
  /** How many runs match the filters. */
  runCount(args: { filters?: string | null }): number {
    const match = compileFilters(args.filters)
    let n = 0
    for (const run of this.#p.runs.values()) if (match(run)) n++
    return n
  }
  /** A page of matching runs in order. */
  runs(args: RunsArgs): Connection<RunNode> {
    const match = compileFilters(args.filters)
    const order = parseOrder(args.order)
    const sorted = sortRuns(order, [...this.#p.runs.values()].filter(match))
    const page = paginate(
      sorted,
      args,
      (r) => runKey(order, r),
      (a, b) => compareRunKeys(order, a, b),
    )
    return {
      ...page,
      edges: page.edges.map((e) => ({ node: new RunNode(e.node, this.#ctx), cursor: e.cursor })),
    }
  }
  /** A run by ID, or null. */
  run(args: { name: string }): RunNode | null {
    const record = this.#p.runs.get(args.name)
    return record ? new RunNode(record, this.#ctx) : null
  }
  /** The legacy name of `run` (wandb-core's RunResumeStatus). */
  bucket(args: { name: string }): RunNode | null {
    return this.run(args)
  }
  /** An artifact collection by name, or null. */
  artifactCollection(args: { name: string }): CollectionNode | null {
    const c = this.#p.collections.get(args.name)
    return c ? new CollectionNode(c, this.#ctx) : null
  }
  /** A version by `name:alias` (`latest` when no alias is given), or null. */
  artifact(args: { name: string }): ArtifactNode | null {
    const version = versionByName(this.#p, args.name)
    return version ? new ArtifactNode(version, this.#ctx) : null
  }
  /** A collection membership by `name:alias`, or null. */
  artifactCollectionMembership(args: { name: string }): MembershipNode | null {
    const version = versionByName(this.#p, args.name)
    return version ? new MembershipNode(version, this.#ctx) : null
  }
  /** An artifact type by name (its collections of that type reachable by name). */
  artifactType(args: { name: string }): Record<string, unknown> {
    const type = args.name
    return {
      id: nodeId('ArtifactType', type),
      name: type,
      artifactCollection: ({ name }: { name: string }) => {
        const c = this.#p.collections.get(name)
        return c && c.type === type ? new CollectionNode(c, this.#ctx) : null
      },
    }
  }
}

/** The committed version `name:alias` of a project names (`latest` without an alias). */
function versionByName(project: ProjectRecord, name: string): ArtifactRecord | undefined {
  const colon = name.lastIndexOf(':')
  const collection = project.collections.get(colon < 0 ? name : name.slice(0, colon))
  return collection && versionByAlias(collection, colon < 0 ? 'latest' : name.slice(colon + 1))
}
