/**
 * Opening a run file's bytes from a W&B server with the bounded download (`RunFile.stream`: size
 * cap, md5 check, transfer deadline) and one signed-URL refresh: storage refusing an expired URL
 * (401, 403 or 400) asks the API for the file again and tries once more.
 *
 * @module
 */
import type { RunFile } from './file.ts'
import { WandbApiError } from './wandb_api_error.ts'

/** Whether a download failed because storage refused its signed URL (expired or revoked). */
export function refusedUrl(err: unknown): boolean {
  return err instanceof WandbApiError && err.operation === 'download' &&
    (err.status === 403 || err.status === 400 || err.status === 401)
}

/**
 * Opens `file`; when storage refuses its signed URL, `refetch` gives the file again (a fresh URL)
 * and it is opened once more. A second refusal rejects.
 */
export async function openRunFile(
  file: RunFile,
  refetch: (signal?: AbortSignal) => Promise<RunFile>,
  signal?: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  try {
    return await file.stream({ signal })
  } catch (err) {
    if (!refusedUrl(err) || signal?.aborted) throw err
    const fresh = await refetch(signal)
    return await fresh.stream({ signal })
  }
}
