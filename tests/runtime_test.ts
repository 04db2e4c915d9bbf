import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { PassThrough } from 'node:stream'
import {
  args,
  capYoungGeneration,
  collectGarbage,
  env,
  isBrokenPipe,
  keepsFreedMemory,
  latin1Text,
  nativeCrc32,
  residentBytes,
  runtimeName,
  toWebWritable,
  trimNativeHeap,
  uncapYoungGeneration,
  uploadFetch,
} from '../src/runtime.ts'

const runtimeUrl = new URL('../src/runtime.ts', import.meta.url).href

// Child processes run the TypeScript sources with the running runtime; Node strips types since 22.18.
const skipOnNode =
  runtimeName === 'node' && !(process.features as { typescript?: unknown }).typescript
    ? 'this Node runs no TypeScript sources (Node 22.18 or later does)'
    : false

/** Runs `source` as a script with the current runtime, feeding `stdin`; resolves with its stdout. */
async function runScript(source: string, stdin: string, argv: string[] = []): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-runtime-'))
  try {
    const script = join(dir, 'child.ts')
    await writeFile(script, source)
    const runArgs = runtimeName === 'deno' ? ['run', '-A', script, ...argv] : [script, ...argv]
    const child = spawn(process.execPath, runArgs, { stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.stdin.end(stdin)
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    assert.equal(code, 0, `child failed: ${err}`)
    return out
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

test('runtimeName names the runtime running the tests', () => {
  const g = globalThis as { Deno?: unknown; Bun?: unknown }
  assert.equal(runtimeName, g.Deno ? 'deno' : g.Bun ? 'bun' : 'node')
})

test('env reads a set variable and gives undefined for an unset one', () => {
  process.env.WBX_RUNTIME_TEST_VALUE = 'x=1'
  try {
    assert.equal(env('WBX_RUNTIME_TEST_VALUE'), 'x=1')
    assert.equal(env('WBX_RUNTIME_TEST_NEVER_SET_1b6f'), undefined)
  } finally {
    delete process.env.WBX_RUNTIME_TEST_VALUE
  }
})

test('args and readStdinLine: script arguments, lines without CR/LF, undefined at end of input', {
  skip: skipOnNode,
  timeout: 60_000,
}, async () => {
  const out = await runScript(
    `import { args, readStdinLine } from '${runtimeUrl}'
const lines = [await readStdinLine(), await readStdinLine(), await readStdinLine(), await readStdinLine()]
console.log(JSON.stringify({ args: args(), lines: lines.map((l) => l ?? null) }))
`,
    'first\r\nsecond\nlast without newline',
    ['history', '--keys', 'a b'],
  )
  assert.deepEqual(JSON.parse(out), {
    args: ['history', '--keys', 'a b'],
    lines: ['first', 'second', 'last without newline', null],
  })
  assert.ok(Array.isArray(args()), 'args() is an array in the test process too')
})

test('isBrokenPipe knows Deno BrokenPipe, EPIPE codes and messages, also as a cause; nothing else', () => {
  assert.equal(isBrokenPipe(Object.assign(new Error('x'), { name: 'BrokenPipe' })), true)
  assert.equal(isBrokenPipe(Object.assign(new Error('write failed'), { code: 'EPIPE' })), true)
  assert.equal(isBrokenPipe(new Error('Broken pipe (os error 32)')), true)
  assert.equal(isBrokenPipe(new Error('outer', { cause: { code: 'EPIPE' } })), true)
  assert.equal(isBrokenPipe(new Error('ENOENT: no such file')), false)
  assert.equal(isBrokenPipe(Object.assign(new Error('x'), { code: 'ECONNRESET' })), false)
  assert.equal(isBrokenPipe('EPIPE'), false, 'a bare string is not an error object')
  assert.equal(isBrokenPipe(null), false)
  // the cause chain is followed only a few levels deep
  let deep: unknown = { code: 'EPIPE' }
  for (let i = 0; i < 6; i++) deep = { cause: deep }
  assert.equal(isBrokenPipe(deep), false)
})

test('toWebWritable writes every chunk into the node Writable, in order', async () => {
  const node = new PassThrough()
  const received: Buffer[] = []
  node.on('data', (d: Buffer) => received.push(d))
  const web = toWebWritable(node)
  const writer = web.getWriter()
  await writer.write(new TextEncoder().encode('hello '))
  await writer.write(new TextEncoder().encode('world'))
  await writer.close()
  assert.equal(Buffer.concat(received).toString(), 'hello world')
})

test('uploadFetch sends a streamed body with its content-length and returns the response', async () => {
  const seen: { headers: IncomingHttpHeaders; body: Buffer; method?: string }[] = []
  const server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (d: Buffer) => parts.push(d))
    req.on('end', () => {
      seen.push({ headers: req.headers, body: Buffer.concat(parts), method: req.method })
      res.writeHead(201, { 'x-reply': 'stored' })
      res.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const port = (server.address() as { port: number }).port
    const chunks = [new Uint8Array(70_000).fill(7), new Uint8Array(5).fill(9)]
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift()
        if (next) controller.enqueue(next)
        else controller.close()
      },
    })
    const res = await uploadFetch(`http://127.0.0.1:${port}/bucket/key`, {
      method: 'PUT',
      headers: { 'content-length': '70005', 'x-upload': 'yes' },
      body,
      duplex: 'half',
    } as RequestInit)
    assert.equal(res.status, 201)
    assert.equal(res.headers.get('x-reply'), 'stored')
    assert.equal(await res.text(), 'ok')
    assert.equal(seen.length, 1)
    assert.equal(seen[0].method, 'PUT')
    assert.equal(seen[0].headers['content-length'], '70005', 'sized, not chunked')
    assert.equal(seen[0].headers['transfer-encoding'], undefined)
    assert.equal(seen[0].headers['x-upload'], 'yes')
    assert.equal(seen[0].body.length, 70_005)
    assert.equal(seen[0].body[0], 7)
    assert.equal(seen[0].body[70_004], 9)
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})

test('nativeCrc32 gives the standard CRC-32 and continues from a seed', () => {
  assert.ok(nativeCrc32, 'Deno, Bun and Node 22.2+ all have zlib.crc32')
  const bytes = new TextEncoder().encode('123456789')
  assert.equal(nativeCrc32(bytes), 0xcbf43926, 'the CRC-32 check value')
  assert.equal(nativeCrc32(bytes.subarray(4), nativeCrc32(bytes.subarray(0, 4))), 0xcbf43926)
  assert.equal(nativeCrc32(new Uint8Array(0)), 0)
})

test('latin1Text reads one character per byte over the given range', () => {
  assert.ok(latin1Text, 'Deno, Bun and Node have Buffer latin1Slice')
  const bytes = new TextEncoder().encode('__loss/val__')
  assert.equal(latin1Text(bytes, 2, 10), 'loss/val')
  assert.equal(latin1Text(bytes, 3, 3), '')
  assert.equal(latin1Text(new Uint8Array([0x61, 0xe9, 0x62]), 0, 3), 'a\u00e9b')
})

test('collectGarbage gives freed memory back to the system: the resident size falls', {
  skip: skipOnNode,
}, async () => {
  // In a child of its own, so the figures are that process's: about 140 MB of small objects,
  // dropped, then one collection. Node's plain gc() left the resident size where it was.
  const out = await runScript(
    `import { collectGarbage, residentBytes } from '${runtimeUrl}'
    const base = residentBytes()
    let junk = []
    for (let i = 0; i < 800000; i++) junk.push({ a: i, b: [i, i + 0.5], c: 'x' + i })
    const peak = residentBytes()
    junk = null
    collectGarbage()
    console.log(JSON.stringify({ base, peak, after: residentBytes() }))`,
    '',
  )
  const { base, peak, after } = JSON.parse(out.trim().split('\n').at(-1)!)
  const mb = (n: number) => Math.round(n / 2 ** 20)
  assert.ok(peak - base > 80 * 2 ** 20, `the objects took ${mb(peak - base)} MB`)
  assert.ok(
    after - base < (peak - base) / 2,
    `resident ${mb(base)} MB at the start, ${mb(peak)} MB at the peak, ${mb(after)} MB after`,
  )
})

test(
  "capYoungGeneration holds Node's young generation within the cap, uncapYoungGeneration lets it grow again; elsewhere they do nothing",
  { skip: skipOnNode },
  async () => {
    if (runtimeName !== 'node') {
      // Deno's V8 does not follow the flag, and Bun is not V8: nothing to cap.
      assert.equal(capYoungGeneration(8 << 20), false)
      uncapYoungGeneration()
      return
    }
    // In children of their own (the flag is the process's): 4 million small objects, batches of
    // 200,000 kept alive long enough to survive scavenges, which is what makes V8 grow the space.
    // The size is read every 1,000 objects; a scavenge in progress can show it over its size for a
    // moment (more so on a busy machine), so the median of the readings is compared.
    // `uncap` caps for the first half, then lets go: the space grows again.
    const source = (mode: 'cap' | 'free' | 'uncap') =>
      `import { capYoungGeneration, uncapYoungGeneration } from '${runtimeUrl}'
      import { getHeapSpaceStatistics } from 'node:v8'
      const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size
      const mode = '${mode}'
      let said = null
      const sizes = []
      let keep = []
      for (let i = 0; i < 4_000_000; i++) {
        keep.push({ a: i, b: 'x' + i })
        if (keep.length > 200_000) keep = []
        if (i % 1000 === 0) {
          if (mode === 'cap' || (mode === 'uncap' && i < 2_000_000)) said = capYoungGeneration(8 << 20)
          if (mode === 'uncap' && i === 2_000_000) uncapYoungGeneration()
          if (mode !== 'uncap' || i >= 2_000_000) sizes.push(newSpace())
        }
      }
      sizes.sort((a, b) => a - b)
      console.log(JSON.stringify({ said, median: sizes[sizes.length >> 1], most: sizes.at(-1) }))`
    const run = async (mode: 'cap' | 'free' | 'uncap') =>
      JSON.parse((await runScript(source(mode), '')).trim())
    const capped = await run('cap')
    const free = await run('free')
    const uncapped = await run('uncap')
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`
    assert.equal(capped.said, true)
    assert.ok(
      capped.median <= 8 << 20,
      `capped at 8 MiB, the new space was ${mib(capped.median)} (median; at most ${
        mib(capped.most)
      })`,
    )
    assert.ok(free.median > 16 << 20, `uncapped it should outgrow the cap: ${mib(free.median)}`)
    assert.ok(
      uncapped.median > 16 << 20,
      `after uncapYoungGeneration it grows: ${mib(uncapped.median)}`,
    )
  },
)

test('keepsFreedMemory: Bun gives freed memory back, Node keeps it, Deno keeps it only where it cannot trim', () => {
  const expected = runtimeName === 'bun' ? false : runtimeName === 'node' ? true : !trimNativeHeap()
  assert.equal(keepsFreedMemory(), expected)
})

test('residentBytes reads the process size; collectGarbage runs a collection on every runtime', () => {
  const before = residentBytes()
  assert.ok(before > 10 * 1024 * 1024 && before < 64 * 1024 ** 3, `resident size ${before}`)
  assert.equal(collectGarbage(), true)
  assert.equal(collectGarbage(), true, 'a second call takes the same collector')
})

test(
  'trimNativeHeap gives back what glibc kept of freed buffers (Deno on Linux); elsewhere it says it cannot',
  {
    skip: skipOnNode,
  },
  async () => {
    // In a child of its own: 2,000 buffers of about 100 KB (below glibc's mmap threshold, so in its
    // heap), one in 16 kept so the heap's top stays in use, the rest dropped and collected.
    const out = await runScript(
      `import { collectGarbage, residentBytes, trimNativeHeap } from '${runtimeUrl}'
    let buffers = []
    for (let i = 0; i < 2000; i++) buffers.push(new Uint8Array(100000 + (i % 7) * 1000).fill(1))
    const kept = buffers.filter((_, i) => i % 16 === 15)
    buffers = null
    collectGarbage()
    const collected = residentBytes()
    const trimmed = trimNativeHeap()
    console.log(JSON.stringify({ collected, trimmed, after: residentBytes(), kept: kept.length }))`,
      '',
    )
    const { collected, trimmed, after } = JSON.parse(out.trim().split('\n').at(-1)!)
    const linuxGnu = (globalThis as { Deno?: { build: { os: string; env?: string } } }).Deno?.build
    const expected = linuxGnu?.os === 'linux' && linuxGnu.env === 'gnu'
    assert.equal(trimmed, expected, `trimmed on ${runtimeName} ${process.platform}`)
    assert.equal(trimNativeHeap(), expected, 'the same in this process (its tests run with -A)')
    if (!expected) return
    const mb = (n: number) => Math.round(n / 2 ** 20)
    assert.ok(
      collected - after > 100 * 2 ** 20,
      `resident ${mb(collected)} MB after the collection, ${mb(after)} MB after the trim`,
    )
  },
)
