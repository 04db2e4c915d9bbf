import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { storeNetrcKey, updatedNetrc } from '../../src/cli/netrc_write.ts'
import { sdkEnv, skipWithoutWandbPython, wandbPython } from '../_python.ts'

const KEY = 'a'.repeat(40)
const OTHER = [
  'machine example.com',
  '  login me',
  '  password secret',
  'machine localhost:8080',
  '  login user',
  '  password old',
  'default login anon password x',
].join('\n') + '\n'

test('the host entry is replaced, other entries kept, the new one appended', () => {
  assert.equal(
    updatedNetrc('', 'api.wandb.ai', KEY),
    `machine api.wandb.ai\n  login user\n  password ${KEY}\n`,
  )
  const text = updatedNetrc(OTHER, 'localhost:8080', KEY)
  assert.equal(
    text,
    [
      'machine example.com',
      '  login me',
      '  password secret',
      'default login anon password x',
      'machine localhost:8080',
      '  login user',
      `  password ${KEY}`,
    ].join('\n') + '\n',
  )
})

test('storeNetrcKey writes 0600 atomically, leaves no temporary file, follows a symlinked netrc', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-netrc-'))
  const path = join(dir, '.netrc')
  writeFileSync(path, OTHER, { mode: 0o644 })
  await storeNetrcKey(path, 'localhost:8080', KEY)
  assert.equal(statSync(path).mode & 0o777, 0o600)
  assert.match(readFileSync(path, 'utf8'), new RegExp(`password ${KEY}\\n$`))
  assert.deepEqual(readdirSync(dir), ['.netrc'])
  const real = join(dir, 'dotfiles-netrc')
  writeFileSync(real, '')
  const link = join(dir, 'linked')
  symlinkSync(real, link)
  await storeNetrcKey(link, 'api.wandb.ai', KEY)
  assert.ok(lstatSync(link).isSymbolicLink(), 'the symlink stays a symlink')
  assert.match(readFileSync(real, 'utf8'), /machine api\.wandb\.ai/)
  const fresh = join(dir, 'new-netrc')
  await storeNetrcKey(fresh, 'h', KEY)
  assert.equal(statSync(fresh).mode & 0o777, 0o600)
})

test('the bytes equal what the official SDK writes for the same file and host', {
  skip: skipWithoutWandbPython,
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-netrc-sdk-'))
  const netrc = join(dir, 'netrc')
  writeFileSync(netrc, OTHER)
  const script = [
    'from wandb.sdk.lib.wbauth import wbnetrc',
    `wbnetrc.write_netrc_auth(host="http://localhost:8080", api_key="${KEY}")`,
  ].join('\n')
  const r = spawnSync(wandbPython!, ['-c', script], { env: sdkEnv(dir), encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  assert.equal(readFileSync(netrc, 'utf8'), updatedNetrc(OTHER, 'localhost:8080', KEY))
})
