/**
 * `wbx run <set|create|state|stop|delete|wait> ...`: change runs on a W&B server.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import type { Command, CommandContext } from '../command.ts'
import { cliApi } from '../cli_api.ts'
import { closest } from '../did_you_mean.ts'
import { TERMINAL_STATES } from '../../api/run_lifecycle.ts'
import type { Run } from '../../api/run.ts'
import { writeText } from '../cli_io.ts'
import { confirm } from '../confirm.ts'
import { looksRemote } from '../open_run_source.ts'
import { choiceOption } from '../parse_values.ts'
import { UsageError } from '../usage_error.ts'
import { runSet, runSetOptions } from './run_set.ts'

/** Exit code of `wbx run wait` when the timeout ran out (as the `timeout` utility uses). */
export const WAIT_TIMEOUT_EXIT = 124

/** The options each subcommand accepts (every other one is a usage error). */
const ALLOWED: Record<string, readonly string[]> = {
  set: Object.keys(runSetOptions),
  create: ['state', 'entity', 'project'],
  state: [],
  stop: ['yes'],
  delete: ['artifacts', 'yes'],
  wait: ['timeout', 'interval'],
}

/** The `run` command. */
export const runCommand: Command = {
  name: 'run',
  summary: 'Change a run on a W&B server: set fields, create, change state, stop, delete, wait',
  usage: '<set|create|state|stop|delete|wait> <entity/project/run_id> [options]',
  details: [
    'Subcommands:',
    '  set <run> [--tag T ...] [--notes TEXT] [--config k=v] [--summary k=v] [--dry-run]',
    '      Values are JSON when they parse (1, true, "1", {"a":1}), else text; a.b=1 nests.',
    '      Prints the changes; --dry-run sends nothing.',
    '  create [entity/project/run_id | entity/project | project] [--state pending]',
    '      Prints the new run path (the id is random unless given).',
    '  state <run> <pending|failed>   re-queue a failed or crashed run, or mark one failed',
    '  stop <run> [--yes]             ask a running run to stop',
    '  delete <run> [--artifacts] [--yes]',
    '  wait <run> [--timeout S] [--interval S]',
    '      Prints the final state; exit 0 when finished, 1 for failed, crashed, killed or',
    `      preempted, ${WAIT_TIMEOUT_EXIT} when the timeout ran out.`,
    'stop and delete ask for confirmation on a terminal; elsewhere they need --yes.',
  ].join('\n'),
  options: {
    ...runSetOptions,
    state: {
      type: 'string',
      valueName: 'running|pending',
      description: 'create: the initial state (default: running)',
    },
    entity: { type: 'string', valueName: 'NAME', description: 'create: the entity' },
    project: { type: 'string', valueName: 'NAME', description: 'create: the project' },
    artifacts: {
      type: 'boolean',
      description: 'delete: also delete the artifacts the run logged',
    },
    yes: { type: 'boolean', short: 'y', description: 'stop, delete: do not ask for confirmation' },
    timeout: {
      type: 'string',
      valueName: 'SECONDS',
      description: 'wait: give up after this long (default: never)',
    },
    interval: {
      type: 'string',
      valueName: 'SECONDS',
      description: 'wait: first pause between polls, growing to 60 s (default: 5)',
    },
  },
  async run(ctx) {
    const [sub, ...rest] = ctx.positionals
    if (sub === undefined || !(sub in ALLOWED)) {
      const guess = sub === undefined ? undefined : closest(sub, Object.keys(ALLOWED))
      throw new UsageError(
        `${sub === undefined ? 'Missing subcommand' : `Unknown subcommand "${sub}"`}; ${
          guess ? `did you mean "wbx run ${guess}"? ` : ''
        }use ${Object.keys(ALLOWED).join(', ')}`,
        'run',
      )
    }
    for (const [name, value] of Object.entries(ctx.values)) {
      if (value !== undefined && name !== 'help' && !ALLOWED[sub].includes(name)) {
        throw new UsageError(`--${name} does not apply to "wbx run ${sub}"`, 'run')
      }
    }
    if (sub === 'create') return await create(rest, ctx)
    const run = await openRemoteRun(rest, sub === 'state' ? 2 : 1, ctx)
    if (sub === 'set') return await runSet(run, ctx)
    if (sub === 'state') return await setState(run, rest[1], ctx)
    if (sub === 'wait') return await wait(run, ctx)
    const what = sub === 'stop' ? 'Stop' : 'Delete'
    const extra = ctx.values.artifacts === true ? ' and the artifacts it logged' : ''
    if (
      !await confirm(ctx.io, `${what} run ${run.runPath}${extra}?`, ctx.values.yes === true, 'run')
    ) {
      ctx.io.stderr(`wbx: run ${run.runPath} left as it is\n`)
      return 1
    }
    if (sub === 'stop') await run.stop({ signal: ctx.signal })
    else await run.delete({ deleteArtifacts: ctx.values.artifacts === true, signal: ctx.signal })
    ctx.io.stderr(`wbx: ${sub === 'stop' ? 'asked to stop' : 'deleted'} run ${run.runPath}\n`)
    return 0
  },
}

/** Loads the run named by the first positional (a W&B run path or URL; local folders refused). */
async function openRemoteRun(args: string[], count: number, ctx: CommandContext): Promise<Run> {
  const path = args[0]
  if (path === undefined) {
    throw new UsageError('Missing <run>: pass entity/project/run_id or a run URL', 'run')
  }
  if (args.length > count) {
    throw new UsageError(`Unexpected arguments: ${args.slice(count).join(' ')}`, 'run')
  }
  if (!looksRemote(path) || existsSync(path)) {
    throw new UsageError(
      `"${path}" is not a W&B run path (local runs are read-only); run changes need entity/project/run_id or a run URL`,
      'run',
    )
  }
  return await cliApi(ctx).run(path, { signal: ctx.signal })
}

/** `wbx run create`: prints the new run's path. */
async function create(args: string[], ctx: CommandContext): Promise<number> {
  if (args.length > 1) throw new UsageError(`Unexpected arguments: ${args.slice(1).join(' ')}`)
  const parts = args[0] === undefined ? [] : args[0].split('/')
  if (parts.length > 3 || parts.some((p) => p === '')) {
    throw new UsageError(
      `"${args[0]}" is not entity/project/run_id, entity/project or project`,
      'run',
    )
  }
  const [entity, project, runId] = parts.length === 1 ? [undefined, parts[0]] : parts
  const state = choiceOption(ctx.values, 'state', ['running', 'pending'] as const)
  const run = await cliApi(ctx).createRun({
    entity: entity ?? ctx.values.entity as string | undefined,
    project: project ?? ctx.values.project as string | undefined,
    runId,
    state,
    signal: ctx.signal,
  })
  await writeText(ctx.io, `${run.runPath}\n`)
  ctx.io.stderr(`wbx: created run ${run.runPath} (${run.state}): ${run.url}\n`)
  return 0
}

/** `wbx run state <run> <pending|failed>`. */
async function setState(
  run: Run,
  target: string | undefined,
  ctx: CommandContext,
): Promise<number> {
  if (target !== 'pending' && target !== 'failed') {
    throw new UsageError(
      `${target === undefined ? 'Missing' : `Unknown`} state${
        target === undefined ? '' : ` "${target}"`
      }; use pending (re-queue) or failed`,
      'run',
    )
  }
  const from = run.state
  await run.updateState(target, { signal: ctx.signal })
  await writeText(ctx.io, `${target}\n`)
  ctx.io.stderr(`wbx: run ${run.runPath}: ${from} -> ${target}\n`)
  return 0
}

/** Reads a positive number of seconds as milliseconds. */
function secondsOption(ctx: CommandContext, name: string): number | undefined {
  const raw = ctx.values[name]
  if (raw === undefined) return undefined
  const seconds = Number(raw)
  if (!(seconds > 0 && seconds < Infinity)) {
    throw new UsageError(`--${name} must be a positive number of seconds, got "${raw}"`, 'run')
  }
  return seconds * 1000
}

/** `wbx run wait`: prints the final state; exit 0 finished, 1 other end states, 124 timeout. */
async function wait(run: Run, ctx: CommandContext): Promise<number> {
  const timeoutMs = secondsOption(ctx, 'timeout')
  const pollIntervalMs = secondsOption(ctx, 'interval')
  let last = run.state
  try {
    const state = await run.waitUntilFinished({
      timeoutMs,
      pollIntervalMs,
      signal: ctx.signal,
      onState: (s) => {
        if (s !== last && !TERMINAL_STATES.has(s)) ctx.io.stderr(`wbx: ${run.runPath} is ${s}\n`)
        last = s
      },
    })
    await writeText(ctx.io, `${state}\n`)
    if (state === 'finished') return 0
    ctx.io.stderr(`wbx: run ${run.runPath} ended ${state}\n`)
    return 1
  } catch (err) {
    if (!(err instanceof DOMException) || err.name !== 'TimeoutError') throw err
    await writeText(ctx.io, `${last}\n`)
    ctx.io.stderr(`wbx: ${err.message}\n`)
    return WAIT_TIMEOUT_EXIT
  }
}
