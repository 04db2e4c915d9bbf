import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { uploadCommand } from '../../../src/cli/commands/upload.ts'
import { ENTITY, PROJECT, RUN_ID, withServer } from '../../api/_setup.ts'
import { tempDir } from '../../bulk/_project.ts'
import { runInProcess } from './_in_process.ts'
import { withServerEnv } from './_served_env.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`

test('wbx upload sends each file under its name relative to --root and prints its metadata', async () => {
  const { dir, cleanup } = tempDir('upload-cmd')
  try {
    await mkdir(join(dir, 'ckpt'))
    await writeFile(join(dir, 'ckpt', 'model.pt'), 'weights')
    await writeFile(join(dir, 'notes.txt'), 'hello\n')
    await withServer(async (server) => {
      await withServerEnv(server, async () => {
        const { code, out, err } = await runInProcess(uploadCommand, { root: dir }, [
          PATH,
          join(dir, 'ckpt', 'model.pt'),
          join(dir, 'notes.txt'),
        ])
        assert.equal(code, 0, err)
        const rows = out.trimEnd().split('\n').map((l) => JSON.parse(l))
        assert.deepEqual(rows.map((r) => [r.name, r.size_bytes ?? r.size]), [
          ['ckpt/model.pt', 7],
          ['notes.txt', 6],
        ])
        const files = server.store.run(ENTITY, PROJECT, RUN_ID)!.files
        assert.ok(files.has('ckpt/model.pt') && files.has('notes.txt'))
        const outside = await runInProcess(uploadCommand, { root: join(dir, 'ckpt') }, [
          PATH,
          join(dir, 'notes.txt'),
        ]).catch((e: Error) => e)
        assert.match(
          outside instanceof Error ? outside.message : outside.err,
          /not inside the root folder/,
        )
      })
    })
    await assert.rejects(runInProcess(uploadCommand, {}, [PATH]))
  } finally {
    cleanup()
  }
})
