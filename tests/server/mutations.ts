/**
 * The mutation root: run upserts (create, edit fields, replace config/summary), state changes,
 * stop requests, deletion, file deletion, upload URLs and commits, plus the artifact lineage
 * mutations of `artifact_mutations.ts`. Every
 * mutation changes the store for real, checks write access (`write_access.ts`) and refuses bad
 * input with a GraphQL error.
 *
 * @module
 */
import { parseJson } from '../../src/json/parse_json.ts'
import { BadRequestError } from './ids.ts'
import type { ArtifactRecord, RunRecord } from './records.ts'
import type { ResolverContext } from './resolver_context.ts'
import { artifactMutations } from './artifact_mutations.ts'
import { artifactCommitMutations } from './artifact_commit.ts'
import { RunNode } from './resolve_run.ts'
import type { RunState } from './run_seed.ts'
import { commitUpload, pendingUploads, registerUpload } from './upload_origin.ts'
import {
  checkEntityWritable,
  checkRunWritable,
  runByStorageId,
  writableRun,
} from './write_access.ts'

/** The run states a client may store through `upsertBucket`. */
const STATES: ReadonlySet<string> = new Set([
  'running',
  'finished',
  'crashed',
  'failed',
  'killed',
  'preempting',
  'preempted',
  'pending',
])

/** `updateRunState`'s allowed transitions by target state (runs.py `Run.update_state`). */
const TRANSITIONS: Record<string, readonly string[]> = {
  pending: ['running', 'failed', 'crashed', 'preempted'],
  failed: ['pending', 'running'],
}

/** `upsertBucket` input fields (all optional). */
interface UpsertInput {
  id?: string | null
  name?: string | null
  modelName?: string | null
  entityName?: string | null
  groupName?: string | null
  description?: string | null
  displayName?: string | null
  notes?: string | null
  config?: string | null
  commit?: string | null
  host?: string | null
  jobType?: string | null
  state?: string | null
  sweep?: string | null
  tags?: string[] | null
  summaryMetrics?: string | null
}

/** Parses a JSONString input that must hold an object (bare NaN/Infinity accepted). */
function jsonObject(text: string, field: string): Record<string, unknown> {
  let value: unknown
  try {
    value = parseJson(text)
  } catch (err) {
    throw new BadRequestError(`invalid ${field}: ${(err as Error).message}`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequestError(`invalid ${field}: expected a JSON object`)
  }
  return value as Record<string, unknown>
}

/** Applies the non-null fields of an upsert to a run (validating them first). */
function applyUpsert(run: RunRecord, input: UpsertInput): void {
  const config = input.config != null ? jsonObject(input.config, 'config') : undefined
  const summary = input.summaryMetrics != null
    ? jsonObject(input.summaryMetrics, 'summaryMetrics')
    : undefined
  if (input.state != null && !STATES.has(input.state)) {
    throw new BadRequestError(`invalid state ${JSON.stringify(input.state)}`)
  }
  if (input.tags != null && input.tags.some((t) => t.trim() === '')) {
    throw new BadRequestError('invalid tags: a tag may not be empty')
  }
  if (input.displayName != null) run.displayName = input.displayName
  if (input.description != null) run.description = input.description
  if (input.notes != null) run.notes = input.notes
  if (input.groupName != null) run.group = input.groupName
  if (input.jobType != null) run.jobType = input.jobType
  if (input.commit != null) run.commit = input.commit
  if (input.host != null) run.host = input.host
  if (input.sweep != null) run.sweepName = input.sweep
  if (input.state != null) run.state = input.state as RunState
  if (input.tags != null) run.tags = [...new Set(input.tags)]
  if (config) run.rawConfig = config
  if (summary) run.summary = summary
}

/** The run an `upsertBucket` without an ID names, created when missing. */
function upsertByName(ctx: ResolverContext, input: UpsertInput): [RunRecord, boolean] {
  if (!input.name) throw new BadRequestError('upsertBucket needs an id or a name')
  const entity = input.entityName ?? ctx.store.viewer.entity
  checkEntityWritable(ctx, entity, 'upsertBucket')
  const project = input.modelName ?? 'uncategorized'
  const existing = ctx.store.run(entity, project, input.name)
  if (existing) return [existing, false]
  const state = (input.state ?? 'running') as RunState
  if (!STATES.has(state)) throw new BadRequestError(`invalid state ${JSON.stringify(state)}`)
  return [ctx.store.addRun({ entity, project, id: input.name, state, summary: {} }), true]
}

/** Removes an artifact version from its collection, the store and every run's lists. */
function deleteArtifact(ctx: ResolverContext, artifact: ArtifactRecord): void {
  const versions = artifact.collection.versions
  versions.splice(versions.indexOf(artifact), 1)
  if (versions.length === 0) {
    artifact.collection.project.collections.delete(artifact.collection.name)
  }
  ctx.store.artifacts.delete(artifact.id)
  ctx.store.objects.delete(artifact.manifest.storagePath)
  for (const project of ctx.store.projects.values()) {
    for (const run of project.runs.values()) {
      run.loggedArtifacts = run.loggedArtifacts.filter((a) => a !== artifact)
      run.usedArtifacts = run.usedArtifacts.filter((a) => a !== artifact)
    }
  }
}

/** Rejects file names that are empty, absolute or climb out of the run folder. */
function checkFileName(name: string): void {
  const segments = name.split('/')
  if (name === '' || name.startsWith('/') || segments.some((s) => s === '..' || s === '.')) {
    throw new BadRequestError(`invalid file name ${JSON.stringify(name)}`)
  }
}

/** The mutation root's fields. */
export const mutationRoot = {
  /** Creates or updates a run; only the non-null input fields change. */
  upsertBucket(
    args: { input: UpsertInput },
    ctx: ResolverContext,
  ): { bucket: RunNode; inserted: boolean } {
    const input = args.input
    let run: RunRecord
    let inserted = false
    if (input.id) {
      run = runByStorageId(ctx, input.id)
      checkRunWritable(ctx, run, 'upsertBucket')
    } else {
      ;[run, inserted] = upsertByName(ctx, input)
      if (!inserted) checkRunWritable(ctx, run, 'upsertBucket')
    }
    applyUpsert(run, input)
    return { bucket: new RunNode(run, ctx), inserted }
  },

  /** Deletes a run (its files, and with `deleteArtifacts` the artifacts it logged). */
  deleteRun(
    args: { input: { id: string; deleteArtifacts?: boolean | null; clientMutationId?: string } },
    ctx: ResolverContext,
  ): { clientMutationId: string | null } {
    const run = runByStorageId(ctx, args.input.id)
    checkRunWritable(ctx, run, 'deleteRun')
    run.project.runs.delete(run.name)
    for (const f of run.files.values()) {
      ctx.store.objects.delete(f.storagePath)
      ctx.store.apiObjects.delete(f.apiPath)
    }
    for (const path of run.exportCache?.paths ?? []) ctx.store.forgetObject(path)
    if (args.input.deleteArtifacts) {
      for (const artifact of [...run.loggedArtifacts]) deleteArtifact(ctx, artifact)
    }
    return { clientMutationId: args.input.clientMutationId ?? null }
  },

  /** Changes a run's state along the transitions the SDK documents. */
  updateRunState(
    args: { input: { id: string; state: string } },
    ctx: ResolverContext,
  ): { success: boolean } {
    const run = runByStorageId(ctx, args.input.id)
    checkRunWritable(ctx, run, 'updateRunState')
    const to = args.input.state
    if (run.sweepName) {
      throw new Error(`cannot update the state of run ${run.name}: it belongs to a sweep`)
    }
    if (!(TRANSITIONS[to] ?? []).includes(run.state)) {
      throw new Error(`invalid state transition from ${run.state} to ${to}`)
    }
    run.state = to as RunState
    return { success: true }
  },

  /** Sets the run's stop flag (a no-op unless it is running). */
  stopRun(args: { input: { id: string } }, ctx: ResolverContext): { success: boolean } {
    const run = runByStorageId(ctx, args.input.id)
    checkRunWritable(ctx, run, 'stopRun')
    if (run.state === 'running') run.stopRequested = true
    return { success: true }
  },

  /** Deletes run files by node ID (within one project when `projectId` is given). */
  deleteFiles(
    args: { input: { files: string[]; projectId?: number | null } },
    ctx: ResolverContext,
  ): { success: boolean } {
    const wanted = new Set(args.input.files)
    for (const project of ctx.store.projects.values()) {
      if (args.input.projectId != null && project.internalId !== args.input.projectId) continue
      for (const run of project.runs.values()) {
        for (const file of [...run.files.values()]) {
          if (!wanted.has(file.id)) continue
          checkRunWritable(ctx, run, 'deleteFiles')
          run.files.delete(file.name)
          ctx.store.objects.delete(file.storagePath)
          ctx.store.apiObjects.delete(file.apiPath)
        }
      }
    }
    return { success: true }
  },

  /** Signed upload URLs for run files; `runID` is null when the run does not exist. */
  createRunFiles(
    args: { input: { entityName: string; projectName: string; runName: string; files: string[] } },
    ctx: ResolverContext,
  ): {
    runID: string | null
    uploadHeaders: string[]
    files: { name: string; uploadUrl: string }[]
  } {
    const { entityName, projectName, runName, files } = args.input
    const run = ctx.store.run(entityName, projectName, runName)
    if (!run) return { runID: null, uploadHeaders: [], files: [] }
    checkRunWritable(ctx, run, 'createRunFiles')
    files.forEach(checkFileName)
    let token: string | undefined
    const out = files.map((name) => {
      const upload = registerUpload(ctx, run, name, token)
      token = upload.token
      return { name, ...upload }
    })
    return {
      runID: run.storageId,
      uploadHeaders: out[0]?.headers ?? [],
      files: out.map(({ name, uploadUrl }) => ({ name, uploadUrl })),
    }
  },

  /** Commits uploaded files to their run; a file with no completed upload is an error. */
  markRunFilesUploaded(
    args: { input: { entityName: string; projectName: string; runName: string; files: string[] } },
    ctx: ResolverContext,
  ): { success: boolean } {
    const { entityName, projectName, runName, files } = args.input
    const run = writableRun(ctx, entityName, projectName, runName, 'markRunFilesUploaded')
    const pending = pendingUploads(ctx.store)
    for (const name of files) {
      const found = [...pending].find(([, u]) => u.run === run && u.name === name && u.bytes)
      if (!found) throw new Error(`file ${name} of run ${runName} was not uploaded`)
      commitUpload(ctx, found[0], found[1])
    }
    return { success: true }
  },
  ...artifactMutations,
  ...artifactCommitMutations,
}
