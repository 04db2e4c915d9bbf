/**
 * Creating artifact versions in the store: collections, version indices, the `latest` alias,
 * content-addressed files and the `wandb_manifest.json` W&B keeps for each version.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { md5Hex, nodeId } from './ids.ts'
import type { ArtifactCollectionRecord, ArtifactRecord, ProjectRecord } from './records.ts'
import type { ArtifactSeed } from './run_seed.ts'
import type { ServerStore } from './store.ts'
import { makeStoredFile } from './stored_file.ts'

let artifactSeq = 0

/**
 * Adds an artifact version to a project's collection, or returns the existing one when a
 * `used` seed names a version that already exists.
 */
export function addArtifact(
  store: ServerStore,
  project: ProjectRecord,
  seed: ArtifactSeed,
  mode: 'logged' | 'used',
  createdAt: string,
): ArtifactRecord {
  const collection = ensureCollection(project, seed, createdAt)
  if (seed.version !== undefined) {
    const existing = collection.versions.find((v) => v.versionIndex === seed.version)
    if (existing) return existing
    if (mode === 'logged' && seed.version !== collection.versions.length) {
      throw new RangeError(
        `Cannot log artifact ${seed.name}:v${seed.version}: the collection's next version is ` +
          `v${collection.versions.length}; leave version out or use that one`,
      )
    }
  }
  const versionIndex = seed.version ?? collection.versions.length
  const seq = ++artifactSeq
  const id = nodeId('Artifact', seq)
  const files = (seed.files ?? [{ name: 'data.txt', content: `${seed.name} v${versionIndex}\n` }])
    .map((f) => {
      const probe = makeStoredFile(f.name, f.content, { updatedAt: createdAt, storagePath: '' })
      const hex = md5Hex(probe.bytes)
      const storagePath = `/wandb-artifacts/${hex}`
      const file = makeStoredFile(f.name, probe.bytes, {
        idParts: ['File', 'artifact', seq, f.name],
        updatedAt: createdAt,
        storagePath,
        apiPath: `/artifactsV2/default/${
          [project.entity, project.name, seed.name, id, hex, f.name.split('/').pop() ?? f.name]
            .map(encodeURIComponent).join('/')
        }`,
      })
      store.objects.set(storagePath, file)
      return file
    })
  const manifestJson = {
    version: 1,
    storagePolicy: 'wandb-storage-policy-v1',
    storagePolicyConfig: { storageLayout: 'V2' },
    contents: Object.fromEntries(
      [...files].sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((f) => [f.name, { digest: f.md5, birthArtifactID: id, size: f.bytes.byteLength }]),
    ),
  }
  const manifestPath = `/wandb-artifacts/manifests/${seq}/wandb_manifest.json`
  const manifest = makeStoredFile('wandb_manifest.json', JSON.stringify(manifestJson), {
    idParts: ['File', 'manifest', seq],
    updatedAt: createdAt,
    storagePath: manifestPath,
  })
  store.objects.set(manifestPath, manifest)
  const record: ArtifactRecord = {
    id,
    collection,
    versionIndex,
    type: collection.type,
    description: seed.description ?? null,
    metadata: seed.metadata ?? {},
    aliases: [...(seed.aliases ?? [])],
    tags: [...(seed.tags ?? [])],
    historyStep: seed.historyStep ?? null,
    createdAt,
    digest: manifestDigest(files.map((f) => [f.name, f.md5])),
    commitHash: md5Hex(new TextEncoder().encode(id)).slice(0, 12),
    size: files.reduce((n, f) => n + f.bytes.byteLength, 0),
    files,
    manifest,
  }
  collection.versions.push(record)
  collection.versions.sort((a, b) => a.versionIndex - b.versionIndex)
  store.artifacts.set(id, record)
  return record
}

/** The aliases W&B reports for a version: its own plus `latest` for the newest one. */
export function aliasesOf(artifact: ArtifactRecord): string[] {
  const versions = artifact.collection.versions
  const latest = versions[versions.length - 1] === artifact
  return latest ? ['latest', ...artifact.aliases] : [...artifact.aliases]
}

/** Finds a version by alias (`latest`, `v3`, or a custom alias). */
export function versionByAlias(
  collection: ArtifactCollectionRecord,
  alias: string,
): ArtifactRecord | undefined {
  const m = /^v(\d+)$/.exec(alias)
  if (m) return collection.versions.find((v) => v.versionIndex === Number(m[1]))
  return collection.versions.find((v) => aliasesOf(v).includes(alias))
}

/** W&B's manifest digest: MD5 over a header line and `path:digest` lines sorted by path. */
export function manifestDigest(entries: [string, string][]): string {
  const hash = createHash('md5').update('wandb-artifact-manifest-v1\n')
  for (const [path, digest] of [...entries].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    hash.update(`${path}:${digest}\n`)
  }
  return hash.digest('hex')
}

/** The collection a seed names, created in the project when missing. */
function ensureCollection(
  project: ProjectRecord,
  seed: ArtifactSeed,
  createdAt: string,
): ArtifactCollectionRecord {
  let collection = project.collections.get(seed.name)
  if (!collection) {
    collection = {
      id: nodeId('ArtifactCollection', project.internalId, seed.name),
      name: seed.name,
      type: seed.type ?? 'dataset',
      project,
      createdAt,
      versions: [],
    }
    project.collections.set(seed.name, collection)
  }
  return collection
}
