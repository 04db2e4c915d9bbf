/** netrc entries read the way Python's `netrc` module (the SDK's reader) reads them, with Python as referee. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { netrcPassword } from '../../src/api/netrc.ts'
import { skipWithoutWandbPython, wandbPython } from '../_python.ts'

const CASES: { name: string; text: string; expected: Record<string, string | undefined> }[] = [
  {
    name: 'two entries for one host: the last wins',
    text:
      'machine api.wandb.ai login a password first-key\nmachine api.wandb.ai login b password second-key\n',
    expected: { 'api.wandb.ai': 'second-key', other: undefined },
  },
  {
    name: 'a later entry without a password hides the earlier one and the default',
    text: 'machine h login a password first\nmachine h login b\ndefault login d password dflt\n',
    expected: { h: undefined, other: 'dflt' },
  },
  {
    name: 'two default entries: the last wins',
    text: 'default login d password d1\nmachine h password hp\ndefault login d password d2\n',
    expected: { h: 'hp', other: 'd2' },
  },
  {
    name: 'two passwords in one entry: the last wins',
    text: 'machine h login a password one password two\n',
    expected: { h: 'two' },
  },
]

for (const c of CASES) {
  test(`netrc: ${c.name}`, () => {
    for (const [host, key] of Object.entries(c.expected)) {
      assert.equal(netrcPassword(c.text, host), key, host)
    }
  })
}

test('Python netrc agrees on every case', { skip: skipWithoutWandbPython }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-netrc-py-'))
  try {
    for (const [i, c] of CASES.entries()) {
      const file = join(dir, `netrc-${i}`)
      writeFileSync(file, c.text)
      chmodSync(file, 0o600)
      for (const host of Object.keys(c.expected)) {
        const py = spawnSync(wandbPython!, [
          '-c',
          'import netrc,sys; a=netrc.netrc(sys.argv[1]).authenticators(sys.argv[2]); sys.stdout.write("<none>" if a is None or a[2]=="" else a[2])',
          file,
          host,
        ], { encoding: 'utf8' })
        assert.equal(py.status, 0, py.stderr)
        const python = py.stdout === '<none>' ? undefined : py.stdout
        assert.equal(netrcPassword(c.text, host), python, `${c.name}: ${host}`)
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
