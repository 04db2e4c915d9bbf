import { test } from 'node:test'
import assert from 'node:assert/strict'
import process from 'node:process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { apiToAppUrl, normalizeBaseUrl, resolveApiOptions } from '../../src/api/api_options.ts'
import { netrcPassword } from '../../src/api/netrc.ts'
import { Api } from '../../src/api/api.ts'
import { apiFor, drain, withServer } from './_setup.ts'

const VARS = [
  'WANDB_API_KEY',
  'WANDB_BASE_URL',
  'WANDB_APP_URL',
  'WANDB_ENTITY',
  'WANDB_PROJECT',
  'WANDB_HTTP_TIMEOUT',
  'WANDB__GRAPHQL_RETRY_MAX',
  'WANDB__EXTRA_HTTP_HEADERS',
  'WANDB_USERNAME',
  'WANDB_USER_EMAIL',
  'NETRC',
]

/** Runs `fn` with exactly `vars` set among the W&B variables (an empty NETRC file unless given). */
function withEnv<T>(vars: Record<string, string>, fn: () => T): T {
  const saved = Object.fromEntries(VARS.map((k) => [k, process.env[k]]))
  const dir = mkdtempSync(join(tmpdir(), 'wbx-netrc-'))
  writeFileSync(join(dir, 'empty'), '')
  for (const k of VARS) delete process.env[k]
  process.env.NETRC = join(dir, 'empty')
  Object.assign(process.env, vars)
  try {
    return fn()
  } finally {
    for (const k of VARS) {
      if (saved[k] === undefined) delete process.env[k]
      else process.env[k] = saved[k]
    }
  }
}

const KEY = 'a'.repeat(40)

test('defaults are the W&B ones', () => {
  withEnv({ WANDB_API_KEY: KEY }, () => {
    const o = resolveApiOptions()
    assert.equal(o.baseUrl, 'https://api.wandb.ai')
    assert.equal(o.appUrl, 'https://forge.coreweave.com/wandb')
    assert.equal(o.apiKey, KEY)
    assert.equal(o.entity, undefined)
    assert.deepEqual(o.policy, {
      retries: 20,
      retryWaitMinMs: 2000,
      retryWaitMaxMs: 60000,
      maxRetryTimeMs: 300000,
      timeoutMs: 30000,
    })
    assert.equal(o.headers['Use-Admin-Privileges'], 'true')
    assert.equal(o.headers['X-Wandb-Username'], '')
    assert.equal(o.headers['X-Wandb-User-Email'], '')
    assert.match(o.headers['User-Agent'], /^W&B Public Client 0\.31\.0 wbx\/\d/)
    assert.deepEqual(Object.keys(o.fileHeaders), ['User-Agent'])
  })
})

test('environment variables fill every option; explicit options win', () => {
  const env = {
    WANDB_API_KEY: KEY,
    WANDB_BASE_URL: 'https://wandb.corp.net///',
    WANDB_ENTITY: 'team',
    WANDB_PROJECT: 'proj',
    WANDB_HTTP_TIMEOUT: '7',
    WANDB__GRAPHQL_RETRY_MAX: '3',
    WANDB__EXTRA_HTTP_HEADERS: '{"X-Proxy": "1", "User-Agent": "ignored"}',
    WANDB_USERNAME: 'me',
    WANDB_USER_EMAIL: 'me@example.com',
  }
  withEnv(env, () => {
    const o = resolveApiOptions()
    assert.equal(o.baseUrl, 'https://wandb.corp.net')
    assert.equal(o.appUrl, 'https://wandb.corp.net')
    assert.equal(o.entity, 'team')
    assert.equal(o.project, 'proj')
    assert.equal(o.policy.timeoutMs, 7000)
    assert.equal(o.policy.retries, 3)
    assert.equal(o.headers['X-Proxy'], '1')
    assert.match(o.headers['User-Agent'], /^W&B Public Client/)
    assert.equal(o.headers['X-Wandb-Username'], 'me')
    assert.equal(o.headers['X-Wandb-User-Email'], 'me@example.com')
    assert.equal(o.fileHeaders['X-Proxy'], '1')
    const explicit = resolveApiOptions({
      apiKey: 'b'.repeat(40),
      entity: 'other',
      retries: 1,
      timeoutMs: 50,
    })
    assert.equal(explicit.apiKey, 'b'.repeat(40))
    assert.equal(explicit.entity, 'other')
    assert.equal(explicit.policy.retries, 1)
    assert.equal(explicit.policy.timeoutMs, 50)
  })
  withEnv({ WANDB_API_KEY: KEY, WANDB_APP_URL: 'https://ui.corp.net/' }, () => {
    assert.equal(resolveApiOptions().appUrl, 'https://ui.corp.net')
  })
})

test('the API key comes from the netrc entry of the API host when the environment has none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-netrc-'))
  const file = join(dir, 'netrc')
  writeFileSync(
    file,
    '# comment\nmachine api.wandb.ai\n  login user\n  password netrc-key-for-cloud-0123456789abcdef0123\n' +
      'machine localhost:8080 login user password local-key\n',
  )
  withEnv({ NETRC: file }, () => {
    assert.equal(resolveApiOptions().apiKey, 'netrc-key-for-cloud-0123456789abcdef0123')
    assert.equal(resolveApiOptions({ baseUrl: 'http://localhost:8080' }).apiKey, 'local-key')
    assert.throws(
      () => resolveApiOptions({ baseUrl: 'http://other:9000' }),
      /No W&B API key configured for other:9000: pass \{apiKey\}, set WANDB_API_KEY, or add "machine other:9000/,
    )
    assert.equal(
      resolveApiOptions({ baseUrl: 'http://other:9000', anonymous: true }).apiKey,
      undefined,
    )
  })
})

test('netrc parsing: quoted tokens, default entries, macdefs', () => {
  const text =
    'macdef init\nmachine evil password x\n\nmachine "a b" login u password "p q"\ndefault login d password dflt\n'
  assert.equal(netrcPassword(text, 'a b'), 'p q')
  assert.equal(netrcPassword(text, 'evil'), 'dflt')
  assert.equal(netrcPassword(text, 'nothing'), 'dflt')
  assert.equal(netrcPassword('machine m login l', 'm'), undefined)
})

test('base URLs are checked like the SDK HostUrl', () => {
  assert.equal(normalizeBaseUrl('https://api.wandb.ai/'), 'https://api.wandb.ai')
  assert.equal(
    normalizeBaseUrl('https://forge.coreweave.com/api/wandb/'),
    'https://api.forge.coreweave.com',
  )
  assert.throws(
    () => normalizeBaseUrl('https://wandb.ai'),
    /it is the web app, not the API; did you mean https:\/\/api.wandb.ai\?/,
  )
  assert.throws(() => normalizeBaseUrl('http://api.wandb.ai'), /http is not secure/)
  assert.throws(
    () => normalizeBaseUrl('https://forge.coreweave.com/wandb'),
    /use https:\/\/api.forge.coreweave.com/,
  )
  assert.throws(() => normalizeBaseUrl('api.wandb.ai'), TypeError)
  assert.throws(() => normalizeBaseUrl('ftp://x'), /only http and https/)
})

test('app URLs are derived like wandb.util.api_to_app_url', () => {
  assert.equal(apiToAppUrl('https://api.wandb.ai'), 'https://forge.coreweave.com/wandb')
  assert.equal(apiToAppUrl('https://api.forge.coreweave.com'), 'https://forge.coreweave.com/wandb')
  assert.equal(apiToAppUrl('https://api.wandb.test'), 'https://app.wandb.test')
  assert.equal(apiToAppUrl('https://api.wandb.example.com'), 'https://wandb.example.com')
  assert.equal(apiToAppUrl('https://api.corp.net'), 'https://app.corp.net')
  assert.equal(apiToAppUrl('http://localhost:8080'), 'http://localhost:8080')
})

test('option misuse is a RangeError or TypeError', () => {
  withEnv({ WANDB_API_KEY: KEY }, () => {
    assert.throws(() => resolveApiOptions({ retries: -1 }), RangeError)
    assert.throws(() => resolveApiOptions({ timeoutMs: NaN }), RangeError)
    assert.throws(() => resolveApiOptions({ apiKey: 'has space in it' }), /printable ASCII/)
  })
  withEnv({ WANDB_API_KEY: KEY, WANDB__EXTRA_HTTP_HEADERS: '[1]' }, () => {
    assert.throws(() => resolveApiOptions(), /WANDB__EXTRA_HTTP_HEADERS/)
  })
})

test('defaultEntity, viewer and verify read the viewer; paths without an entity use it', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    assert.equal(await api.defaultEntity(), 'test-entity')
    assert.equal(await api.defaultEntity(), 'test-entity')
    assert.equal(server.requests.filter((r) => r.operation === 'GetDefaultEntity').length, 1)
    const viewer = await api.viewer()
    assert.equal(viewer.username, 'test-user')
    assert.equal((await api.verify()).entity, 'test-entity')
    assert.deepEqual(await api.resolveRunPath('test-project/run1'), {
      entity: 'test-entity',
      project: 'test-project',
      runId: 'run1',
    })
    const run = await api.run('test-project:run1')
    assert.equal(run.entity, 'test-entity')
    const runs = await drain(api.runs('test-project'))
    assert.deepEqual(runs.map((r) => r.id), ['run1'])
    await assert.rejects(
      api.resolveRunPath('run1'),
      /it names no project and WANDB_PROJECT is not set/,
    )
    const withProject = apiFor(server, { project: 'test-project', entity: 'test-entity' })
    assert.equal((await withProject.run('run1')).id, 'run1')
  })
})

test('Api construction sends nothing and needs a key', () => {
  let calls = 0
  const api = new Api({ apiKey: KEY, fetch: (() => calls++) as unknown as typeof fetch })
  assert.equal(api.baseUrl, 'https://api.wandb.ai')
  assert.equal(calls, 0)
  withEnv({}, () => {
    assert.throws(() => new Api(), /No W&B API key configured for api.wandb.ai/)
  })
})
