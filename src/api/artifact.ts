/**
 * `Artifact`: metadata of an artifact version a run logged or used, and downloading its files by
 * manifest.
 *
 * @module
 */
import { parseJson } from '../json/parse_json.ts'
import { type DownloadResult, downloadToFile, failDownload } from './download_to_file.ts'
import { DEFAULT_TRANSFER_LIMITS } from './api_options.ts'
import { readCapped, TransferFailure } from '../http/retrying_fetch.ts'
import {
  FETCH_ARTIFACT_MANIFEST_QUERY,
  GET_ARTIFACT_MEMBERSHIP_FILE_URLS_QUERY,
} from './queries.ts'
import {
  type ArtifactFileUrlsPage,
  artifactFileUrlsPageSchema,
  artifactManifestSchema,
} from './schemas.ts'
import type { GraphqlTransport } from './transport.ts'
import { WandbApiError } from './wandb_api_error.ts'

/** Plain artifact metadata, as `toJSON()` returns it. */
export interface ArtifactInfo {
  /** Opaque GraphQL id. */
  id: string
  /** `<collection>:v<N>`. */
  name: string
  /** Artifact type, e.g. `model`, `dataset`. */
  type: string
  /** `v<N>`. */
  version: string
  /** Aliases in this artifact's own collection, without the version alias. */
  aliases: string[]
  /** Tags. */
  tags: string[]
  /** The artifact's logical digest. */
  digest: string | undefined
  /** Total size in bytes. */
  size: number | undefined
  /** Number of files. */
  fileCount: number | undefined
  /** Creation time, as the server's string. */
  createdAt: string | undefined
  /** Last update time, as the server's string. */
  updatedAt: string | undefined
  /** `COMMITTED`, `PENDING`, ... */
  state: string | undefined
  /** Free-text description. */
  description: string | undefined
  /** User metadata. */
  metadata: Record<string, unknown>
  /** Entity of the source project. */
  entity: string
  /** Source project. */
  project: string
  /** History step the artifact was logged at, when known. */
  historyStep: number | undefined
}

/** One file of an artifact manifest. */
export interface ManifestEntry {
  /** Path inside the artifact. */
  path: string
  /** Content digest (base64 md5 for files stored by W&B). */
  digest: string
  /** Size in bytes, when listed. */
  size: number | undefined
  /** External reference URI for reference entries (not stored by W&B). */
  ref: string | undefined
  /** Id of the artifact version that first stored the file. */
  birthArtifactId: string | undefined
}

/** Options of {@link Artifact.download}. */
export interface ArtifactDownloadOptions {
  /** Overwrite existing files that differ. @default false */
  replace?: boolean
  /** Cancels the transfers. */
  signal?: AbortSignal
  /** File URLs per request. @default 1000 */
  perPage?: number
}

/** What {@link Artifact.download} did. */
export interface ArtifactDownloadResult {
  /** Files written or found identical. */
  files: DownloadResult[]
  /** Reference entries (external URIs) that were not downloaded. */
  skippedReferences: string[]
}

/** A string field or undefined. */
function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** A numeric field (W&B sends some as strings) or undefined. */
function num(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) ? n : undefined
}

/** Whether a digest is a base64 md5 (the default `MANIFEST_MD5` algorithm). */
function isMd5Base64(digest: string): boolean {
  return /^[A-Za-z0-9+/]{22}==$/.test(digest)
}

/** An artifact version from `RunOutputArtifacts` / `RunInputArtifacts`. */
export class Artifact implements ArtifactInfo {
  readonly id: string
  readonly name: string
  readonly type: string
  readonly version: string
  readonly aliases: string[]
  readonly tags: string[]
  readonly digest: string | undefined
  readonly size: number | undefined
  readonly fileCount: number | undefined
  readonly createdAt: string | undefined
  readonly updatedAt: string | undefined
  readonly state: string | undefined
  readonly description: string | undefined
  readonly metadata: Record<string, unknown>
  readonly entity: string
  readonly project: string
  readonly historyStep: number | undefined
  #transport: GraphqlTransport

  /** Builds an artifact from an `ArtifactFragment` node whose sequence has a project (artifacts.py `RunArtifacts._convert`). */
  constructor(transport: GraphqlTransport, node: Record<string, unknown>) {
    this.#transport = transport
    const seq = node.artifactSequence as {
      name: string
      project: { name: string; entity: { name: string } }
    }
    this.id = String(node.id)
    this.entity = seq.project.entity.name
    this.project = seq.project.name
    const collection = seq.name
    const aliasNodes = (node.aliases ?? []) as {
      alias: string
      artifactCollection?: {
        name?: string
        project?: { name?: string; entity?: { name?: string } } | null
      } | null
    }[]
    const own = aliasNodes.filter((a) =>
      a.artifactCollection?.name === collection &&
      a.artifactCollection.project?.name === this.project &&
      a.artifactCollection.project?.entity?.name === this.entity
    ).map((a) => a.alias)
    const versionAliases = own.filter((a) => /^v\d+$/.test(a))
    this.version = versionAliases.length === 1 ? versionAliases[0] : `v${node.versionIndex}`
    this.aliases = own.filter((a) => !/^v\d+$/.test(a))
    this.name = `${collection}:v${node.versionIndex}`
    this.type = String((node.artifactType as { name?: string } | null)?.name ?? '')
    this.tags = ((node.tags ?? []) as { name: string }[]).map((t) => t.name)
    this.digest = str(node.digest)
    this.size = num(node.size)
    this.fileCount = num(node.fileCount)
    this.createdAt = str(node.createdAt)
    this.updatedAt = str(node.updatedAt)
    this.state = str(node.state)
    this.description = str(node.description)
    const meta = typeof node.metadata === 'string' ? parseJson(node.metadata) : node.metadata
    this.metadata = meta !== null && typeof meta === 'object' ? meta as Record<string, unknown> : {}
    this.historyStep = num(node.historyStep)
  }

  /** The collection (sequence) name, i.e. `name` without `:v<N>`. */
  get collection(): string {
    return this.name.slice(0, this.name.lastIndexOf(':'))
  }

  /** Fetches and parses the manifest (its signed URL from `FetchArtifactManifest`, then the JSON). */
  async manifest(signal?: AbortSignal): Promise<ManifestEntry[]> {
    const data = await this.#transport.request(FETCH_ARTIFACT_MANIFEST_QUERY, { id: this.id }, {
      signal,
      schema: artifactManifestSchema,
    })
    const url = data.artifact?.currentManifest?.file.directUrl
    if (!url) {
      throw new WandbApiError(
        `Cannot read the manifest of artifact ${this.entity}/${this.project}/${this.name}: the server has none`,
        {
          code: 'not-found',
          status: 404,
          operation: FETCH_ARTIFACT_MANIFEST_QUERY.name,
        },
      )
    }
    const response = await this.#transport.fetchUrl(url, { signal })
    if (!response.ok) await failDownload(response, url, `the manifest of ${this.name}`)
    const cap = this.#transport.limits?.maxResponseBytes ?? DEFAULT_TRANSFER_LIMITS.maxResponseBytes
    let bytes: Uint8Array
    try {
      bytes = await readCapped(response, cap)
    } catch (err) {
      if (!(err instanceof TransferFailure)) throw err
      throw new WandbApiError(
        `Cannot read the manifest of artifact ${this.name}: it is larger than the ${cap}-byte cap (maxResponseBytes)`,
        { code: 'bad-response', status: response.status, operation: 'download' },
      )
    }
    const json = parseJson(new TextDecoder().decode(bytes)) as {
      version?: unknown
      contents?: Record<string, Record<string, unknown>>
    }
    if (json?.version !== 1 || json.contents === null || typeof json.contents !== 'object') {
      throw new WandbApiError(
        `Cannot read the manifest of artifact ${this.name}: expected manifest version 1 with contents`,
        {
          code: 'bad-response',
          status: response.status,
          operation: 'download',
        },
      )
    }
    return Object.entries(json.contents).map(([path, e]) => ({
      path,
      digest: String(e.digest ?? ''),
      size: num(e.size),
      ref: str(e.ref),
      birthArtifactId: str(e.birthArtifactID),
    }))
  }

  /** Streams the signed URL of every stored file (`GetArtifactMembershipFileUrls`, cursor `endCursor`). */
  async fileUrls(signal?: AbortSignal, perPage: number = 1000): Promise<Map<string, string>> {
    const urls = new Map<string, string>()
    let cursor: string | null = null
    const seen = new Set<string>()
    while (true) {
      const data: ArtifactFileUrlsPage = await this.#transport.request(
        GET_ARTIFACT_MEMBERSHIP_FILE_URLS_QUERY,
        {
          entity: this.entity,
          project: this.project,
          collection: this.collection,
          alias: this.version,
          cursor,
          perPage,
        },
        { signal, schema: artifactFileUrlsPageSchema },
      )
      const files = data.project?.artifactCollection?.artifactMembership?.files
      if (!files) {
        throw new WandbApiError(
          `Cannot list the files of artifact ${this.entity}/${this.project}/${this.name}`,
          {
            code: 'not-found',
            status: 404,
            operation: GET_ARTIFACT_MEMBERSHIP_FILE_URLS_QUERY.name,
          },
        )
      }
      for (const edge of files.edges) {
        if (edge.node?.directUrl) urls.set(edge.node.name, edge.node.directUrl)
      }
      const next: string | null | undefined = files.pageInfo?.endCursor
      if (!files.pageInfo?.hasNextPage || !next || next === cursor) return urls
      if (seen.has(next)) {
        throw new Error(
          `Cannot list the files of artifact ${this.entity}/${this.project}/${this.name}: the server repeated cursor '${
            next.slice(0, 40)
          }' (endless paging); stopped`,
        )
      }
      seen.add(next)
      cursor = next
    }
  }

  /**
   * Downloads every stored file of the manifest into `dir/<path>`, one at a time, verifying each
   * md5 digest; reference entries (external URIs) are listed, not fetched.
   */
  async download(
    dir: string,
    options: ArtifactDownloadOptions = {},
  ): Promise<ArtifactDownloadResult> {
    const entries = await this.manifest(options.signal)
    const urls = await this.fileUrls(options.signal, options.perPage)
    const files: DownloadResult[] = []
    const skippedReferences: string[] = []
    for (const entry of entries) {
      if (entry.ref !== undefined) {
        skippedReferences.push(entry.path)
        continue
      }
      const url = urls.get(entry.path)
      if (!url) {
        throw new WandbApiError(
          `Cannot download ${entry.path} of artifact ${this.name}: the server listed no URL for it`,
          {
            code: 'not-found',
            status: 404,
            operation: GET_ARTIFACT_MEMBERSHIP_FILE_URLS_QUERY.name,
          },
        )
      }
      const check = {
        md5Base64: isMd5Base64(entry.digest) ? entry.digest : undefined,
        size: entry.size,
      }
      files.push(await downloadToFile(this.#transport, url, dir, entry.path, check, options))
    }
    return { files, skippedReferences }
  }

  /** The plain metadata, for JSON output. */
  toJSON(): ArtifactInfo {
    return {
      id: this.id,
      name: this.name,
      type: this.type,
      version: this.version,
      aliases: this.aliases,
      tags: this.tags,
      digest: this.digest,
      size: this.size,
      fileCount: this.fileCount,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      state: this.state,
      description: this.description,
      metadata: this.metadata,
      entity: this.entity,
      project: this.project,
      historyStep: this.historyStep,
    }
  }
}
