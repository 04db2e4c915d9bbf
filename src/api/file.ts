/**
 * `RunFile`: one file saved to a W&B run (the SDK's `File`), with streamed, verified downloads.
 *
 * @module
 */
import {
  type DownloadResult,
  downloadToFile,
  failDownload,
  transferDeadline,
  verifyingStream,
} from './download_to_file.ts'
import type { GraphqlTransport } from './transport.ts'

/** The metadata W&B keeps for a run file. */
export interface RunFileInfo {
  /** Opaque GraphQL id (used by mutations). */
  id: string | undefined
  /** Path of the file inside the run, with `/` separators. */
  name: string
  /** Download URL (W&B-hosted files live under the API origin and need the API key). */
  url: string | undefined
  /** Direct storage URL (often a signed object-store URL). */
  directUrl: string | undefined
  /** Size in bytes (0 when the server reports none). */
  sizeBytes: number
  /** MIME type. */
  mimetype: string | undefined
  /** Base64 md5 of the content. */
  md5: string | undefined
  /** Last update time, as the server's string. */
  updatedAt: string | undefined
}

/** Options of {@link RunFile.download}. */
export interface FileDownloadOptions {
  /** Overwrite an existing, different file. @default false */
  replace?: boolean
  /** Cancels the transfer. */
  signal?: AbortSignal
}

/** Options of {@link RunFile.stream}. */
export interface FileStreamOptions {
  /** Cancels the transfer. */
  signal?: AbortSignal
}

/** Reads a possibly-null string field. */
function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** A file saved to a run; streams and downloads go through the API client's transport. */
export class RunFile implements RunFileInfo {
  readonly id: string | undefined
  readonly name: string
  readonly url: string | undefined
  readonly directUrl: string | undefined
  readonly sizeBytes: number
  readonly mimetype: string | undefined
  readonly md5: string | undefined
  readonly updatedAt: string | undefined
  /** `entity/project/run_id` of the owning run, when known. */
  readonly runPath: string | undefined
  #transport: GraphqlTransport
  #sizeKnown: boolean

  /** Wraps a `RunFiles` node. */
  constructor(transport: GraphqlTransport, node: Record<string, unknown>, runPath?: string) {
    this.#transport = transport
    this.id = str(node.id)
    this.name = String(node.name)
    this.url = str(node.url)
    this.directUrl = str(node.directUrl)
    const size = Number(node.sizeBytes ?? 0)
    this.sizeBytes = Number.isFinite(size) ? size : 0
    this.#sizeKnown = node.sizeBytes !== null && node.sizeBytes !== undefined &&
      Number.isFinite(size) && size >= 0
    this.mimetype = str(node.mimetype)
    this.md5 = str(node.md5)
    this.updatedAt = str(node.updatedAt)
    this.runPath = runPath
  }

  /** Size in bytes (the SDK's `File.size`). */
  get size(): number {
    return this.sizeBytes
  }

  /**
   * The SDK's `path_uri`: the direct URL for reference files, `s3://bucket/key` for S3 URLs, else
   * an empty string.
   */
  get pathUri(): string {
    if (!this.directUrl) return ''
    if (this.directUrl === this.url) return this.directUrl
    if (/^https?:\/\/.*s3.*amazonaws\.com.*/.test(this.directUrl)) {
      const u = new URL(this.directUrl)
      return `s3://${u.hostname.split('.')[0]}${u.pathname}`
    }
    return ''
  }

  /** The URL downloads use: `url`, else `directUrl`. */
  #downloadUrl(): string {
    const url = this.url ?? this.directUrl
    if (!url) {
      throw new Error(
        `Cannot download ${this.name}: the server listed no URL for it; is it still uploading?`,
      )
    }
    return url
  }

  /** What the content must match: md5, the listed size (when listed), and a transfer deadline. */
  #check(): { md5Base64?: string; size?: number; deadline?: number } {
    const size = this.#sizeKnown ? this.sizeBytes : undefined
    const limits = this.#transport.limits
    const deadline = limits ? transferDeadline(size, limits) : undefined
    return { md5Base64: this.md5, size, deadline }
  }

  /**
   * Opens the file's content as a byte stream; the stream errors at its end when the md5 or size
   * does not match, at the first byte past the listed size, and when the transfer outlives its
   * deadline. Rejects with WandbApiError for a non-2xx answer.
   */
  async stream(options: FileStreamOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const url = this.#downloadUrl()
    const response = await this.#transport.fetchUrl(url, { signal: options.signal })
    if (!response.ok) await failDownload(response, url, this.name)
    const check = this.#check()
    const body = response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() })
    const label = this.runPath ? `${this.name} of ${this.runPath}` : this.name
    return body.pipeThrough(verifyingStream(check, label))
  }

  /**
   * Downloads into `dir/<name>`: skips an identical existing file, refuses a different one unless
   * `replace`, verifies the md5, and rejects names that would escape `dir`.
   */
  download(dir: string = '.', options: FileDownloadOptions = {}): Promise<DownloadResult> {
    const { md5Base64, size } = this.#check()
    return downloadToFile(this.#transport, this.#downloadUrl(), dir, this.name, {
      md5Base64,
      size,
    }, options)
  }

  /** The plain metadata, for JSON output. */
  toJSON(): RunFileInfo {
    return {
      id: this.id,
      name: this.name,
      url: this.url,
      directUrl: this.directUrl,
      sizeBytes: this.sizeBytes,
      mimetype: this.mimetype,
      md5: this.md5,
      updatedAt: this.updatedAt,
    }
  }
}
