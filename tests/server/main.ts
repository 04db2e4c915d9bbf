/**
 * Command-line entry for the W&B-compatible test server:
 *
 *     deno task test-server --port 8080 --seed path/to/wandb/run-folder --seed another
 *
 * Prints the API base URL on the first line of stdout (point `WANDB_BASE_URL`, wbx or curl at
 * it), then details on stderr, and serves until interrupted.
 *
 * @module
 */
import process from 'node:process'
import { parseArgs } from 'node:util'
import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateRun } from './generate_run.ts'
import { startTestServer, TEST_API_KEY } from './test_server.ts'
import { parseBandwidth } from './bandwidth.ts'
import { DEFAULT_SIZES, type GeneratedProjectOptions } from './generated_project.ts'

const USAGE = `Usage: deno task test-server [options] [RUN_DIR...]

Every RUN_DIR (like every --seed DIR) is a local run folder or .wandb file to serve.

Options:
  --port N              API port (default: a free port)
  --files-port N        files-origin port (default: a free port)
  --host HOST           interface to listen on (default: 127.0.0.1)
  --seed DIR            add a run from a local run folder or .wandb file (repeatable)
  --generate SPEC       add a generated run: STEPS or ENTITY/PROJECT/ID:STEPS (repeatable)
  --entity NAME         entity for seeded runs that have none (default: test-entity)
  --project NAME        project for seeded runs that have none (default: uncategorized)
  --api-key KEY         accepted API key (repeatable; default: ${TEST_API_KEY})
  --live-tail N         steps of each run left unexported (served as liveData; default 0)
  --parquet-file-rows N rows per Parquet export file (default 100000)
  --random-seed N       seed for fault probabilities, URL signing and latency (default 1)

W&B-like limits (off unless given):
  --rate R              API requests per second per API key; beyond: 429 + Retry-After
  --burst B             requests a quiet key may send at once (default: max(1, R))
  --latency-ms MS       median API latency, lognormal (default 0)
  --storage-latency-ms MS  median storage latency (default: --latency-ms)
  --latency-sigma S     spread of the latency, std. dev. of its log (default 0.5)
  --storage-bandwidth BW   storage bytes/s for all downloads together, e.g. 50MB, 10MiB

A project of generated runs (rows computed on demand, exports streamed):
  --generate-runs N     add N generated runs
  --generate-project E/P   where they go (default test-entity/generated)
  --generate-seed S     seed for sizes, IDs and values (default 1)
  --run-sizes SPEC      fixed:ROWS, uniform:MIN:MAX or pareto:MIN:MAX:ALPHA
                        (default ${DEFAULT_SIZES})
  --metrics N           metrics per generated run (default 20)
  --warm                compute history keys before serving
  --warm-exports        also lay out every Parquet export before serving (slow for big projects)
  --export-cache BYTES  encoded row groups kept for streamed exports, e.g. 1GiB (default 256MiB)
  --help                show this help
`

/** Parses the arguments, starts the server, serves until SIGINT/SIGTERM; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let values
  let positionals: string[]
  try {
    ;({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        'files-port': { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string', multiple: true },
        generate: { type: 'string', multiple: true },
        entity: { type: 'string' },
        project: { type: 'string' },
        'api-key': { type: 'string', multiple: true },
        'live-tail': { type: 'string' },
        'parquet-file-rows': { type: 'string' },
        'random-seed': { type: 'string' },
        rate: { type: 'string' },
        burst: { type: 'string' },
        'latency-ms': { type: 'string' },
        'storage-latency-ms': { type: 'string' },
        'latency-sigma': { type: 'string' },
        'storage-bandwidth': { type: 'string' },
        'generate-runs': { type: 'string' },
        'generate-project': { type: 'string' },
        'generate-seed': { type: 'string' },
        'run-sizes': { type: 'string' },
        metrics: { type: 'string' },
        warm: { type: 'boolean' },
        'warm-exports': { type: 'boolean' },
        'export-cache': { type: 'string' },
        help: { type: 'boolean' },
      },
    }))
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  let server
  try {
    server = await startTestServer({
      host: values.host,
      port: int(values.port, '--port'),
      filesPort: int(values['files-port'], '--files-port'),
      apiKeys: values['api-key'],
      seed: int(values['random-seed'], '--random-seed'),
      exportDefaults: {
        liveTail: int(values['live-tail'], '--live-tail'),
        parquetFileRows: int(values['parquet-file-rows'], '--parquet-file-rows'),
      },
      limits: {
        rate: num(values.rate, '--rate'),
        burst: num(values.burst, '--burst'),
        latencyMs: num(values['latency-ms'], '--latency-ms'),
        storageLatencyMs: num(values['storage-latency-ms'], '--storage-latency-ms'),
        latencySigma: num(values['latency-sigma'], '--latency-sigma'),
        storageBandwidth: values['storage-bandwidth'] === undefined
          ? undefined
          : parseBandwidth(values['storage-bandwidth']),
      },
      exportCacheBytes: values['export-cache'] === undefined
        ? undefined
        : parseBandwidth(values['export-cache']),
      generatedProjects: generatedProject(values),
      warm: values.warm || values['warm-exports'] ? { exports: values['warm-exports'] } : undefined,
    })
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    return 2
  }
  for (const info of server.generated) {
    process.stderr.write(
      `generated ${info.entity}/${info.project}: ${info.runs.length} runs, ${info.totalRows} rows\n`,
    )
  }
  try {
    for (const dir of [...(values.seed ?? []), ...positionals]) {
      const run = await server.addLocalRun(dir, { entity: values.entity, project: values.project })
      process.stderr.write(
        `seeded ${run.project.entity}/${run.project.name}/${run.name} from ${dir}\n`,
      )
    }
    for (const spec of values.generate ?? []) {
      const m = /^(?:([^/]+)\/([^/]+)\/([^:/]+):)?(\d+)$/.exec(spec)
      if (!m) {
        throw new RangeError(
          `Cannot read --generate ${JSON.stringify(spec)}: use STEPS or ENTITY/PROJECT/ID:STEPS`,
        )
      }
      const run = server.addRun(
        generateRun({ entity: m[1], project: m[2], id: m[3], steps: Number(m[4]) }),
      )
      process.stderr.write(
        `generated ${run.project.entity}/${run.project.name}/${run.name} (${m[4]} steps)\n`,
      )
    }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    await server.stop()
    return 1
  }
  process.stdout.write(`${server.baseUrl}\n`)
  process.stderr.write(`files origin ${server.filesOrigin}\napi key ${server.apiKey}\n`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  await server.stop()
  return 0
}

/** The generated project the flags ask for, if any. */
function generatedProject(
  values: Record<string, string | boolean | string[] | undefined>,
): GeneratedProjectOptions[] {
  const runs = int(values['generate-runs'] as string | undefined, '--generate-runs')
  if (runs === undefined) return []
  const where = (values['generate-project'] as string | undefined) ?? 'test-entity/generated'
  const m = /^([^/]+)\/([^/]+)$/.exec(where)
  if (!m) {
    throw new RangeError(
      `Cannot read --generate-project ${JSON.stringify(where)}: use ENTITY/PROJECT`,
    )
  }
  return [{
    entity: m[1],
    project: m[2],
    runs,
    seed: int(values['generate-seed'] as string | undefined, '--generate-seed'),
    sizes: values['run-sizes'] as string | undefined,
    metrics: int(values.metrics as string | undefined, '--metrics'),
  }]
}

/** Parses a non-negative number flag value; RangeError naming the flag otherwise. */
function num(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new RangeError(`Cannot read ${flag} ${JSON.stringify(value)}: expected a number ≥ 0`)
  }
  return n
}

/** Parses a non-negative integer flag value; RangeError naming the flag otherwise. */
function int(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) {
    throw new RangeError(
      `Cannot read ${flag} ${JSON.stringify(value)}: expected a non-negative integer`,
    )
  }
  return Number(value)
}

/** Whether this module is the program being run (not imported by a test). */
function isEntryPoint(): boolean {
  const script = process.argv[1]
  if (!script) return false
  try {
    return realpathSync(resolve(script)) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
    process.stderr.write(`${(err as Error).message}\n`)
    process.exit(1)
  })
}
