/** `wbx run set <run> ...`: edit a run's name, notes, tags, group, job type, config and summary. */
import type { CommandContext, OptionSpec } from '../command.ts'
import { cloneJson } from '../../json/json_edit.ts'
import type { Run } from '../../api/run.ts'
import { writeText } from '../cli_io.ts'
import { deleteAt, describeChanges, keyPath, parseAssignment } from '../key_values.ts'
import { setPath } from '../../json/json_edit.ts'

/** The options of `wbx run set`. */
export const runSetOptions: Record<string, OptionSpec> = {
  tag: {
    type: 'string',
    multiple: true,
    valueName: 'TAG',
    description: 'set: replace the tags with these (repeat --tag)',
  },
  'add-tag': { type: 'string', multiple: true, valueName: 'TAG', description: 'set: add a tag' },
  'remove-tag': {
    type: 'string',
    multiple: true,
    valueName: 'TAG',
    description: 'set: remove a tag',
  },
  name: { type: 'string', valueName: 'TEXT', description: 'set: the display name' },
  notes: { type: 'string', valueName: 'TEXT', description: 'set: the notes ("" clears them)' },
  description: { type: 'string', valueName: 'TEXT', description: 'set: the description' },
  group: { type: 'string', valueName: 'NAME', description: 'set: the group' },
  'job-type': { type: 'string', valueName: 'NAME', description: 'set: the job type' },
  config: {
    type: 'string',
    multiple: true,
    valueName: 'KEY=VALUE',
    description: 'set: a config key (JSON value if it parses, else text; a.b nests)',
  },
  summary: {
    type: 'string',
    multiple: true,
    valueName: 'KEY=VALUE',
    description: 'set: a summary key (JSON value if it parses, else text; a.b nests)',
  },
  'unset-config': {
    type: 'string',
    multiple: true,
    valueName: 'KEY',
    description: 'set: delete a config key',
  },
  'unset-summary': {
    type: 'string',
    multiple: true,
    valueName: 'KEY',
    description: 'set: delete a summary key',
  },
  'dry-run': { type: 'boolean', description: 'set: print the changes and send nothing' },
}

/** The strings of a repeatable option. */
function strings(ctx: CommandContext, name: string): string[] {
  const raw = ctx.values[name]
  return raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map(String)
}

/** Applies the options to the loaded run (locally); warns about deletes of keys that are not set. */
function applyOptions(run: Run, ctx: CommandContext): void {
  const text = (name: string): string | undefined =>
    typeof ctx.values[name] === 'string' ? ctx.values[name] as string : undefined
  if (ctx.values.tag !== undefined) run.tags = [...new Set(strings(ctx, 'tag'))]
  for (const tag of strings(ctx, 'add-tag')) if (!run.tags.includes(tag)) run.tags.push(tag)
  const removed = new Set(strings(ctx, 'remove-tag'))
  if (removed.size > 0) run.tags = run.tags.filter((t) => !removed.has(t))
  if (text('name') !== undefined) run.name = text('name')
  if (text('notes') !== undefined) run.notes = text('notes')
  if (text('description') !== undefined) run.description = text('description')
  if (text('group') !== undefined) run.group = text('group')
  if (text('job-type') !== undefined) run.jobType = text('job-type')
  for (const arg of strings(ctx, 'config')) {
    const { path, value } = parseAssignment(arg, 'config')
    setPath(run.config, path, value)
  }
  for (const arg of strings(ctx, 'summary')) {
    const { path, value } = parseAssignment(arg, 'summary')
    run.summary.set(path, value)
  }
  for (const key of strings(ctx, 'unset-config')) {
    if (!deleteAt(run.config, keyPath(key, 'unset-config'))) {
      ctx.io.stderr(`wbx: config key ${key} is not set; nothing to delete\n`)
    }
  }
  for (const key of strings(ctx, 'unset-summary')) {
    if (!run.summary.delete(keyPath(key, 'unset-summary'))) {
      ctx.io.stderr(`wbx: summary key ${key} is not set; nothing to delete\n`)
    }
  }
}

/** Runs `wbx run set` on a loaded run: prints the changes, then saves them unless `--dry-run`. */
export async function runSet(run: Run, ctx: CommandContext): Promise<number> {
  const before = { config: cloneJson(run.config), summary: cloneJson({ ...run.summary }) }
  applyOptions(run, ctx)
  const lines = describeChanges(run.pendingChanges(), before)
  if (lines.length === 0) {
    ctx.io.stderr(`wbx: nothing to change on ${run.runPath}\n`)
    return 0
  }
  await writeText(ctx.io, lines.join('\n') + '\n')
  if (ctx.values['dry-run'] === true) {
    ctx.io.stderr(`wbx: dry run: nothing was sent to ${run.runPath}\n`)
    return 0
  }
  const result = await run.update({ signal: ctx.signal })
  ctx.io.stderr(`wbx: saved ${result.sent.join(', ')} of ${run.runPath}\n`)
  return 0
}
