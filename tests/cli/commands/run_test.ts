import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runCommand, WAIT_TIMEOUT_EXIT } from '../../../src/cli/commands/run.ts'
import { ENTITY, PROJECT, RUN_ID, withServer } from '../../api/_setup.ts'
import { runInProcess, SAMPLE_RUN } from './_in_process.ts'
import { withServerEnv } from './_served_env.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`

test('wbx run create, state and wait change and read runs on the server', async () => {
  await withServer(async (server) => {
    await withServerEnv(server, async () => {
      const created = await runInProcess(runCommand, { state: 'pending' }, [
        'create',
        `${ENTITY}/${PROJECT}/made1`,
      ])
      assert.equal(created.code, 0, created.err)
      assert.equal(created.out.trim(), `${ENTITY}/${PROJECT}/made1`)
      assert.equal(server.store.run(ENTITY, PROJECT, 'made1')?.state, 'pending')
      const failed = await runInProcess(runCommand, {}, ['state', PATH, 'failed'])
      assert.equal(failed.code, 0, failed.err)
      assert.equal(server.store.run(ENTITY, PROJECT, RUN_ID)!.state, 'failed')
      const waited = await runInProcess(runCommand, { interval: '0.01' }, ['wait', PATH])
      assert.equal(waited.code, 1, 'failed is a terminal state other than finished')
      assert.match(waited.out, /failed/)
      const pending = await runInProcess(runCommand, { interval: '0.01', timeout: '0.05' }, [
        'wait',
        `${ENTITY}/${PROJECT}/made1`,
      ])
      assert.equal(pending.code, WAIT_TIMEOUT_EXIT)
    })
  }, { state: 'running' })
})

test('wbx run stop and delete need --yes off a terminal; delete removes the run', async () => {
  await withServer(async (server) => {
    await withServerEnv(server, async () => {
      await assert.rejects(
        runInProcess(runCommand, {}, ['stop', PATH]),
        /refusing without --yes, since stdin is not a terminal to confirm on/,
      )
      assert.equal(server.store.run(ENTITY, PROJECT, RUN_ID)!.stopRequested ?? false, false)
      const stop = await runInProcess(runCommand, { yes: true }, ['stop', PATH])
      assert.equal(stop.code, 0, stop.err)
      assert.equal(server.store.run(ENTITY, PROJECT, RUN_ID)!.stopRequested, true)
      const del = await runInProcess(runCommand, { yes: true }, ['delete', PATH])
      assert.equal(del.code, 0, del.err)
      assert.match(del.err, /deleted run test-entity\/test-project\/run1/)
      assert.equal(server.store.run(ENTITY, PROJECT, RUN_ID), undefined)
    })
  }, { state: 'running' })
})

test('wbx run refuses an unknown subcommand, an option of another subcommand and a local folder', async () => {
  await assert.rejects(runInProcess(runCommand, {}, ['sett', PATH]), /did you mean "wbx run set"/)
  await assert.rejects(
    runInProcess(runCommand, { yes: true }, ['wait', PATH]),
    /--yes does not apply to "wbx run wait"/,
  )
  await assert.rejects(
    runInProcess(runCommand, { notes: 'x' }, ['set', SAMPLE_RUN]),
    /is not a W&B run path \(local runs are read-only\)/,
  )
})
