/**
 * Shared set-up of the peer-conformance tests: one test server, the runs `log_runs.py` logs into
 * it with the official SDK (online, plus one offline run brought in with `wandb sync`), and what
 * the SDK's public API reads back (`sdk_read.py`). Built once per test process, on first use.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseJson } from '../../src/json/parse_json.ts'
import { sdkEnv, wandbPython } from '../_python.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'

/** Entity and project every peer run is logged to. */
export const ENTITY = 'test-entity'
export const PROJECT = 'peer'

/** The runs `log_runs.py` logs, and the keys each one's `history(keys=...)` asks for. */
export const RUN_KEYS: Record<string, string[]> = {
  'peer-rich': ['loss', 'acc'],
  'peer-sparse': ['a', 'b.x'],
  'peer-offline': ['x', 'y'],
}

/** What the SDK's public API saw of one run (see sdk_read.py). */
export interface SdkView {
  attrs: Record<string, unknown>
  scan: Record<string, unknown>[]
  history_keys: Record<string, unknown>[]
  system: Record<string, unknown>[]
  files: [string, number, string][]
  logged_artifacts: SdkArtifact[]
  used_artifacts: SdkArtifact[]
}

/** What the SDK's public API saw of one artifact version (see sdk_read.py `artifact_view`). */
export interface SdkArtifact {
  name: string
  type: string
  version: string
  aliases: string[]
  digest: string
  size: number
  file_count: number
  state: string
  description: string | null
  metadata: Record<string, unknown>
  /** `[path, digest, size]` of every manifest entry, sorted by path. */
  entries: [string, string, number][]
  files: string[]
  /** Where `artifact.download()` put the files (logged artifacts only). */
  download_root: string | null
}

/** The logged runs: the server, each run's local folder, and the SDK's reading of each. */
export interface PeerRuns {
  server: TestServer
  folders: Record<string, string>
  sdk: Record<string, SdkView>
  /** stdout+stderr of `wandb sync`. */
  syncOutput: string
  dir: string
}

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url))

/** Runs a Python command with the SDK pointed at the server and isolated from the user's files. */
function python(
  server: TestServer,
  dir: string,
  args: string[],
): Promise<{ stdout: string; stderr: string }> {
  const env = sdkEnv(dir, {
    WANDB_BASE_URL: server.baseUrl,
    WANDB_API_KEY: server.apiKey,
    WANDB_ARTIFACT_DIR: join(dir, 'artifacts'),
    WANDB_ERROR_REPORTING: 'false',
    WANDB_DISABLE_GIT: 'true',
  })
  delete (env as Record<string, string | undefined>).WANDB_MODE
  delete (env as Record<string, string | undefined>).WANDB_PROJECT
  delete (env as Record<string, string | undefined>).WANDB_ENTITY
  return new Promise((resolve, reject) => {
    execFile(
      wandbPython!,
      args,
      { env, cwd: dir, maxBuffer: 64 * 1024 * 1024, timeout: 180_000 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`${args.join(' ')} failed: ${err.message}\n${stderr.slice(-4000)}`))
        } else resolve({ stdout, stderr })
      },
    )
  })
}

let prepared: Promise<PeerRuns> | undefined

/** Logs, syncs and reads the peer runs once; later calls get the same result. */
export function peerRuns(): Promise<PeerRuns> {
  prepared ??= prepare()
  return prepared
}

/** Stops the server and removes the working folder (when the runs were prepared). */
export async function closePeerRuns(): Promise<void> {
  if (!prepared) return
  const runs = await prepared.catch(() => undefined)
  prepared = undefined
  if (!runs) return
  await runs.server.stop()
  rmSync(runs.dir, { recursive: true, force: true })
}

/** Starts the server, logs the runs, syncs the offline one, reads all back with the SDK. */
async function prepare(): Promise<PeerRuns> {
  const server = await startTestServer()
  const dir = mkdtempSync(join(tmpdir(), 'wbx-peer-'))
  try {
    const logged = await python(server, dir, [here('./log_runs.py'), dir, ENTITY, PROJECT])
    const lines = logged.stdout.trim().split('\n').filter((l) => l.startsWith('{'))
    const folders = JSON.parse(lines[lines.length - 1]) as Record<string, string>
    const synced = await python(server, dir, [
      '-m',
      'wandb',
      'sync',
      folders['peer-offline'],
    ])
    const paths = Object.keys(RUN_KEYS).map((id) => `${ENTITY}/${PROJECT}/${id}`)
    const read = await python(server, dir, [
      here('./sdk_read.py'),
      server.baseUrl,
      server.apiKey,
      JSON.stringify(RUN_KEYS),
      ...paths,
    ])
    const sdk = parseJson(read.stdout) as Record<string, SdkView>
    return { server, folders, sdk, syncOutput: synced.stdout + synced.stderr, dir }
  } catch (err) {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
}
