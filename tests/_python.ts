/** Finds a Python interpreter with the `wandb` package, for tests that use the official SDK as a referee. */
import process from 'node:process'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const projectVenvPython = fileURLToPath(new URL('../.venv/bin/python', import.meta.url))

function findPython(): string | undefined {
  const candidates = [process.env.WBX_PYTHON, projectVenvPython, 'python3'].filter(
    (c): c is string => Boolean(c),
  )
  for (const candidate of candidates) {
    if (candidate.includes('/') && !existsSync(candidate)) continue
    const probe = spawnSync(candidate, [
      '-c',
      'import wandb, sys; sys.stdout.write(wandb.__version__)',
    ], {
      encoding: 'utf8',
    })
    if (probe.status === 0) return candidate
  }
  return undefined
}

/** Path of a Python with `wandb` importable (WBX_PYTHON, then ./.venv, then python3), or undefined. */
export const wandbPython: string | undefined = findPython()

/** A node:test `skip` value: false when Python+wandb is available, else a loud reason. */
export const skipWithoutWandbPython: string | false = wandbPython
  ? false
  : 'Python with the wandb package not found (set WBX_PYTHON or create .venv with `pip install -r tests/fixtures/requirements.txt`); CI installs it'

/**
 * Environment for one run of the official SDK kept inside `dir`: its run, cache, config and data
 * folders and its netrc live there, so nothing touches the user's home and runs do not share state.
 */
export function sdkEnv(
  dir: string,
  extra: Record<string, string> = {},
): Record<string, string | undefined> {
  return {
    ...process.env,
    WANDB_DIR: dir,
    WANDB_CACHE_DIR: `${dir}/cache`,
    WANDB_CONFIG_DIR: `${dir}/config`,
    WANDB_DATA_DIR: `${dir}/data`,
    WANDB_SILENT: 'true',
    NETRC: `${dir}/netrc`,
    ...extra,
  }
}
