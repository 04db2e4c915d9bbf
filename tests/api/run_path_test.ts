import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatRunPath, parseProjectPath, parseRunPath } from '../../src/api/run_path.ts'

test('parseRunPath accepts the SDK forms', () => {
  const full = { entity: 'user', project: 'proj', runId: 'run' }
  assert.deepEqual(parseRunPath('user/proj/run'), full)
  assert.deepEqual(parseRunPath('user/proj/runs/run'), full)
  assert.deepEqual(parseRunPath('/user/proj/run'), full)
  assert.deepEqual(parseRunPath(' user/proj/run/ '), full)
  assert.deepEqual(parseRunPath('user/proj:run'), full)
  assert.deepEqual(parseRunPath('proj/run'), { entity: undefined, project: 'proj', runId: 'run' })
  assert.deepEqual(parseRunPath('proj:run'), { entity: undefined, project: 'proj', runId: 'run' })
  assert.deepEqual(parseRunPath('run'), { entity: undefined, project: undefined, runId: 'run' })
})

test('parseRunPath reads wandb.ai, CoreWeave Forge and self-hosted run URLs', () => {
  const full = { entity: 'my-team', project: 'My Project', runId: 'ab12cd34' }
  assert.deepEqual(parseRunPath('https://wandb.ai/my-team/My%20Project/runs/ab12cd34'), full)
  assert.deepEqual(
    parseRunPath('https://wandb.ai/my-team/My%20Project/runs/ab12cd34/overview?nw=x#y'),
    full,
  )
  assert.deepEqual(
    parseRunPath('https://wandb.ai/my-team/My%20Project/runs/ab12cd34/files/media/a.png'),
    full,
  )
  assert.deepEqual(
    parseRunPath('https://forge.coreweave.com/wandb/my-team/My%20Project/runs/ab12cd34'),
    full,
  )
  assert.deepEqual(
    parseRunPath('http://wandb.corp.net:8080/my-team/My%20Project/runs/ab12cd34/logs'),
    full,
  )
  assert.deepEqual(parseRunPath('https://WANDB.AI/e/p/runs/x'), {
    entity: 'e',
    project: 'p',
    runId: 'x',
  })
})

test('parseRunPath rejects everything else with a TypeError naming the accepted forms', () => {
  for (
    const bad of [
      '',
      '   ',
      ':',
      '/',
      '//',
      '/ /',
      '/ / /',
      'entity/project:',
      'a/b/c/d/e',
      'a/b/x/c',
    ]
  ) {
    assert.throws(() => parseRunPath(bad), (err: Error) => {
      assert.ok(err instanceof TypeError, `${JSON.stringify(bad)}: ${err}`)
      assert.match(err.message, /^Cannot parse run path '.*': .*; expected entity\/project\/run_id/)
      return true
    })
  }
  assert.throws(
    () => parseRunPath('https://wandb.ai/my-team/my-project'),
    /Cannot parse run URL 'https:\/\/wandb.ai\/my-team\/my-project': it has no \/<entity>\/<project>\/runs\/<run_id> part/,
  )
  assert.throws(() => parseRunPath('https://wandb.ai/e/p/runs/'), TypeError)
  assert.throws(() => parseRunPath(42 as unknown as string), TypeError)
})

test('parseProjectPath reads entity/project, project, and project or run URLs', () => {
  assert.deepEqual(parseProjectPath('e/p'), { entity: 'e', project: 'p' })
  assert.deepEqual(parseProjectPath('p'), { entity: undefined, project: 'p' })
  assert.deepEqual(parseProjectPath('https://wandb.ai/e/p/table?nw=1'), {
    entity: 'e',
    project: 'p',
  })
  assert.deepEqual(parseProjectPath('https://wandb.ai/e/p'), { entity: 'e', project: 'p' })
  assert.deepEqual(parseProjectPath('https://forge.coreweave.com/wandb/e/p/runs/r'), {
    entity: 'e',
    project: 'p',
  })
  assert.throws(() => parseProjectPath(''), /Cannot parse project path '': it is empty/)
  assert.throws(() => parseProjectPath('a/b/c'), /expected entity\/project/)
  assert.throws(
    () => parseProjectPath('https://wandb.ai/e'),
    /expected https:\/\/<host>\/<entity>\/<project>/,
  )
})

test('formatRunPath joins the three parts', () => {
  assert.equal(formatRunPath({ entity: 'e', project: 'p', runId: 'r' }), 'e/p/r')
})
