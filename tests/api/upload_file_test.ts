import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileStream, uploadName, uploadRunFile } from '../../src/api/upload_file.ts'
import { tempDir } from '../bulk/_project.ts'
import { apiFor, ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`

test('uploadName names the file relative to root with / and refuses what cannot be uploaded', async () => {
  const { dir, cleanup } = tempDir('upload-name')
  try {
    await mkdir(join(dir, 'ckpt', 'epoch1'), { recursive: true })
    await writeFile(join(dir, 'ckpt', 'epoch1', 'model.pt'), 'weights')
    assert.deepEqual(await uploadName(join(dir, 'ckpt', 'epoch1', 'model.pt'), dir), {
      name: 'ckpt/epoch1/model.pt',
      file: join(dir, 'ckpt', 'epoch1', 'model.pt'),
      size: 7,
    })
    await assert.rejects(uploadName(join(dir, 'ckpt'), dir), /it is not a regular file/)
    await assert.rejects(uploadName(join(dir, 'nope.txt'), dir), /nope\.txt: no such file/)
    await assert.rejects(
      uploadName(join(dir, 'ckpt', 'epoch1', 'model.pt'), join(dir, 'ckpt', 'other')),
      /it is not inside the root folder/,
    )
    await assert.rejects(uploadName(dir, dir), /not inside the root folder/)
  } finally {
    cleanup()
  }
})

test('fileStream reads a file in chunks, every byte in order', async () => {
  const { dir, cleanup } = tempDir('file-stream')
  try {
    const bytes = randomBytes(600 * 1024 + 3)
    await writeFile(join(dir, 'blob'), bytes)
    const chunks: Uint8Array[] = []
    for await (const chunk of fileStream(join(dir, 'blob'))) chunks.push(chunk)
    assert.ok(chunks.length >= 3, 'more than one chunk for a file larger than a chunk')
    assert.ok(Buffer.concat(chunks).equals(bytes))
    await writeFile(join(dir, 'empty'), '')
    assert.deepEqual(
      await new Response(fileStream(join(dir, 'empty'))).arrayBuffer(),
      new ArrayBuffer(0),
    )
  } finally {
    cleanup()
  }
})

test('uploadRunFile stores the file on the run and returns it as the server lists it', async () => {
  const { dir, cleanup } = tempDir('upload-run-file')
  try {
    const bytes = randomBytes(70_000)
    await mkdir(join(dir, 'out'))
    await writeFile(join(dir, 'out', 'weights.bin'), bytes)
    await withServer(async (server) => {
      const api = apiFor(server)
      const run = await api.run(PATH)
      const file = await uploadRunFile(api.transport, {}, run, join(dir, 'out', 'weights.bin'), {
        root: dir,
      })
      assert.equal(file.name, 'out/weights.bin')
      assert.equal(file.size, bytes.length)
      assert.equal(file.md5, createHash('md5').update(bytes).digest('base64'))
      const stored = server.store.run(ENTITY, PROJECT, RUN_ID)!.files.get('out/weights.bin')
      assert.ok(stored, 'the server holds the file')
      // nothing is sent for a path outside root
      const before = server.requests.length
      await assert.rejects(
        uploadRunFile(api.transport, {}, run, join(dir, 'out', 'weights.bin'), {
          root: join(dir, 'elsewhere'),
        }),
        /not inside the root folder/,
      )
      assert.equal(server.requests.length, before)
      const ghost = {
        entity: ENTITY,
        project: PROJECT,
        id: 'ghost',
        runPath: `${ENTITY}/${PROJECT}/ghost`,
      }
      await assert.rejects(
        uploadRunFile(api.transport, {}, ghost, join(dir, 'out', 'weights.bin'), { root: dir }),
        /Cannot upload out\/weights\.bin to test-entity\/test-project\/ghost: the server knows no such run/,
      )
    })
  } finally {
    cleanup()
  }
})
