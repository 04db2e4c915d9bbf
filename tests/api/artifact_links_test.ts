import { test } from 'node:test'
import assert from 'node:assert/strict'
import { apiFor, drain, ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'
import type { WandbApiError } from '../../src/api/wandb_api_error.ts'
import type { Artifact } from '../../src/api/artifact.ts'
import { usedAsOf } from '../server/artifact_mutations.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`

test('useArtifact records the run as a consumer; a fresh read lists it with its usedAs', async () => {
  await withServer(
    async (server) => {
      const api = apiFor(server)
      const producer = await api.run(`${ENTITY}/${PROJECT}/producer`)
      const [ds] = await drain(producer.loggedArtifacts())
      const run = await api.run(PATH)
      assert.deepEqual(await drain(run.usedArtifacts()), [])
      const before = server.requests.length
      assert.equal(await run.useArtifact(ds), ds)
      const sent = server.requests.slice(before).find((r) => r.operation === 'UseArtifact')!
      assert.deepEqual(sent.variables, {
        entityName: ENTITY,
        projectName: PROJECT,
        runName: RUN_ID,
        artifactID: ds.id,
        usedAs: 'ds:v0',
      })
      assert.doesNotMatch(sent.body, /artifactEntityName/, 'feature off: not declared')
      const fresh = await api.run(PATH)
      assert.deepEqual((await drain(fresh.usedArtifacts())).map((a) => a.name), ['ds:v0'])
      await run.useArtifact(ds, { useAs: 'training data' })
      const record = server.store.run(ENTITY, PROJECT, RUN_ID)!
      assert.equal(usedAsOf(record).get(ds.id), 'training data')
      assert.equal(record.usedArtifacts.length, 1, 'using it again adds no second link')
    },
    {},
    [{ id: 'producer', loggedArtifacts: [{ name: 'ds' }] }],
  )
})

test('useArtifact names the artifact project when the server has the feature', async () => {
  await withServer(
    async (server) => {
      const api = apiFor(server)
      const [model] = await drain((await api.run('other-team/zoo/maker')).loggedArtifacts())
      const run = await api.run(PATH)
      await run.useArtifact(model)
      const sent = server.requests.find((r) => r.operation === 'UseArtifact')!
      assert.equal(sent.variables!.artifactEntityName, 'other-team')
      assert.equal(sent.variables!.artifactProjectName, 'zoo')
      assert.deepEqual(
        (await drain((await api.run(PATH)).usedArtifacts())).map((
          a,
        ) => [a.entity, a.project, a.name]),
        [['other-team', 'zoo', 'model:v0']],
      )
    },
    {},
    [{
      entity: 'other-team',
      project: 'zoo',
      id: 'maker',
      loggedArtifacts: [{ name: 'model', type: 'model' }],
    }],
    {
      features: [{ name: 'USE_ARTIFACT_WITH_ENTITY_AND_PROJECT_INFORMATION', isEnabled: true }],
    },
  )
})

test('logArtifact sends aliases and tags as input objects; the run lists the artifact with them', async () => {
  await withServer(
    async (server) => {
      const api = apiFor(server)
      const [ds] = await drain((await api.run(`${ENTITY}/${PROJECT}/producer`)).loggedArtifacts())
      const run = await api.run(PATH)
      await run.logArtifact(ds, { aliases: ['best', 'prod'], tags: ['golden'] })
      const sent = server.requests.find((r) => r.operation === 'CreateArtifact')!
      assert.deepEqual(sent.variables!.aliases, [
        { artifactCollectionName: 'ds', alias: 'best' },
        { artifactCollectionName: 'ds', alias: 'prod' },
      ])
      assert.deepEqual(sent.variables!.tags, [{ tagName: 'golden' }])
      assert.equal(sent.variables!.digest, ds.digest)
      assert.deepEqual(sent.variables!.artifactCollectionNames, ['ds'])
      const logged = await drain((await api.run(PATH)).loggedArtifacts())
      assert.deepEqual(logged.map((a) => [a.name, a.aliases.sort(), a.tags]), [
        ['ds:v0', ['best', 'latest', 'prod'], ['golden']],
      ])
    },
    {},
    [{ id: 'producer', loggedArtifacts: [{ name: 'ds' }] }],
  )
})

test('artifact links refuse the wrong input, another project and read-only runs; nothing changes', async () => {
  await withServer(
    async (server) => {
      const api = apiFor(server)
      const [foreign] = await drain((await api.run('other-team/zoo/maker')).loggedArtifacts())
      const run = await api.run(PATH)
      const before = server.requests.length
      await assert.rejects(
        run.logArtifact(foreign),
        /Cannot log artifact other-team\/zoo\/model:v0 from run .*: a run can only log artifacts of its own project/,
      )
      await assert.rejects(run.useArtifact({ id: 'x' } as unknown as Artifact), TypeError)
      await assert.rejects(run.logArtifact(foreign, { aliases: [''] }), /aliases must be/)
      assert.equal(server.requests.length, before)
      const locked = await api.run(`${ENTITY}/${PROJECT}/ro`)
      await assert.rejects(locked.useArtifact(foreign), (e: WandbApiError) => e.status === 403)
      assert.deepEqual(server.store.run(ENTITY, PROJECT, 'ro')!.usedArtifacts, [])
      // an artifact that no longer exists on the server
      server.store.artifacts.delete(foreign.id)
      await assert.rejects(run.useArtifact(foreign), (e: WandbApiError) => e.status === 404)
      assert.deepEqual(server.store.run(ENTITY, PROJECT, RUN_ID)!.usedArtifacts, [])
    },
    {},
    [
      { entity: 'other-team', project: 'zoo', id: 'maker', loggedArtifacts: [{ name: 'model' }] },
      { id: 'ro', readOnly: true },
    ],
  )
})
