/**
 * Runs the real `wbx` in a pseudo-terminal (util-linux `script`) under Deno, Bun and Node, so
 * tests see what a user at a terminal sees: isatty() true, Ctrl-C as the terminal's SIGINT.
 */
import process from 'node:process'
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'

/** A runtime the CLI can be started with, or why it is missing. */
export interface CliRuntime {
  name: 'deno' | 'bun' | 'node' | 'bun binary'
  /** The command line that starts `cli.ts` (shell-quoted), or undefined when absent. */
  command?: string
  /** Why the runtime is absent (a loud skip reason). */
  missing?: string
}

function which(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined
}

/** A Node that runs TypeScript directly (22.18+ or 23.6+): WBX_NODE, else `node` on PATH. */
function nodeWithTypes(): string | undefined {
  for (const candidate of [process.env.WBX_NODE, which('node')]) {
    if (!candidate) continue
    const v = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? ''
    const [major, minor] = v.replace(/^v/, '').split('.').map(Number)
    if (major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18)) {
      return candidate
    }
  }
  return undefined
}

/** Builds the single-file `wbx` binary with `bun build --compile` into `dir`, or says why not. */
function bunBinary(bun: string | undefined, dir: string): CliRuntime {
  if (!bun) return { name: 'bun binary', missing: 'bun not found on PATH (needed to compile)' }
  const out = join(dir, 'wbx')
  const r = spawnSync(bun, ['build', '--compile', 'cli.ts', '--outfile', out], {
    encoding: 'utf8',
  })
  if (r.status !== 0) {
    return { name: 'bun binary', missing: `bun build --compile failed: ${r.stderr}` }
  }
  return { name: 'bun binary', command: out }
}

/** Deno, Bun, Node 24 and the `bun build --compile` binary, as found on this machine. */
export function cliRuntimes(binaryDir: string): CliRuntime[] {
  const deno = which('deno')
  const bun = which('bun')
  const node = nodeWithTypes()
  const absent = (what: string) =>
    `${what} not found on PATH: \`npm run tools\` installs it into .tools/; CI has it`
  return [
    bunBinary(bun, binaryDir),
    deno
      ? { name: 'deno', command: `${deno} run -A cli.ts` }
      : { name: 'deno', missing: absent('deno') },
    bun ? { name: 'bun', command: `${bun} cli.ts` } : { name: 'bun', missing: absent('bun') },
    node
      ? { name: 'node', command: `${node} cli.ts` }
      : { name: 'node', missing: absent('Node ≥ 22.18 (or WBX_NODE)') },
  ]
}

/** Why PTY tests cannot run here (no `script`), or false. */
export const skipWithoutScript: string | false = which('script')
  ? false
  : 'util-linux `script` not found: apt-get install bsdutils (CI installs it)'

/** What a PTY run printed on the terminal and how it ended. */
export interface PtyResult {
  /** Everything the terminal showed (stdout and stderr interleaved, `\r\n` line ends). */
  output: string
  /** The command's exit code. */
  code: number | null
  /** Milliseconds from start to exit. */
  ms: number
}

/** Options of {@link runInPty}. */
export interface PtyOptions {
  /** Extra environment variables. */
  env?: Record<string, string>
  /** Called with the output so far; `type` sends keys to the terminal (e.g. `\x03` for Ctrl-C). */
  onOutput?: (output: string, type: (keys: string) => void) => void
  /** Kill the run after this long. @default 60000 */
  timeoutMs?: number
}

/** Runs a shell command line in a fresh pseudo-terminal and resolves when it exits. */
export function runInPty(commandLine: string, options: PtyOptions = {}): Promise<PtyResult> {
  const started = Date.now()
  const child = spawn('script', ['-q', '-e', '-c', commandLine, '/dev/null'], {
    env: { ...process.env, TERM: 'xterm', NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  const type = (keys: string): void => {
    child.stdin.write(keys)
  }
  const onData = (chunk: Uint8Array): void => {
    output += new TextDecoder().decode(chunk)
    options.onOutput?.(output, type)
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      child.stdin.destroy()
      resolve({ output, code, ms: Date.now() - started })
    })
  })
}
