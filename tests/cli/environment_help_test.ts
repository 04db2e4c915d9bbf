import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runCli } from './_run_cli.ts'

test('wbx help environment lists the variables, netrc and proxies', async () => {
  const r = await runCli(['help', 'environment'])
  assert.equal(r.code, 0, r.stderr)
  for (
    const name of [
      'WANDB_API_KEY',
      'WANDB_BASE_URL',
      'WANDB_ENTITY',
      'WANDB_PROJECT',
      '~/.netrc',
      'NETRC',
      'HTTPS_PROXY',
      'NO_PROXY',
      'NODE_USE_ENV_PROXY',
    ]
  ) {
    assert.match(r.stdout, new RegExp(name.replace('.', '\\.')), name)
  }
  assert.match(r.stdout, /api\.run\("run01"\)/)
})

test('wbx --help points at wbx help environment and lists login', async () => {
  const r = await runCli(['--help'])
  assert.equal(r.code, 0)
  assert.match(r.stdout, /WANDB_API_KEY, WANDB_BASE_URL, WANDB_ENTITY, WANDB_PROJECT, ~\/\.netrc/)
  assert.match(r.stdout, /see "wbx help environment"/)
  assert.match(r.stdout, /\n {2}login +Check an API key/)
  const command = await runCli(['help', 'history'])
  assert.match(command.stdout, /^Usage: wbx history <source>/)
})
