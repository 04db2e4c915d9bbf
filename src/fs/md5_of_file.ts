/** The base64 MD5 of a file (the form W&B's API and manifests use), read as a stream. */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'

/** Computes the base64 MD5 digest of a file without reading it whole into memory. */
export function md5OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('base64')))
  })
}
