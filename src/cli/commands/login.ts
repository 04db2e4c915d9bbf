/** `wbx login [KEY]`: verifies an API key against the server and stores it in ~/.netrc, as `wandb login` does. */
import type { Command, CommandContext } from '../command.ts'
import { apiToAppUrl, DEFAULT_BASE_URL, normalizeBaseUrl } from '../../api/api_options.ts'
import { netrcPath } from '../../api/netrc.ts'
import { env } from '../../runtime.ts'
import { cliApi } from '../cli_api.ts'
import { storeNetrcKey } from '../netrc_write.ts'
import { UsageError } from '../usage_error.ts'

/** The `login` command. */
export const loginCommand: Command = {
  name: 'login',
  summary: 'Check an API key against the server and store it in ~/.netrc (as `wandb login`)',
  usage: '[KEY] [--host URL]',
  details: [
    'The key comes from the argument, else WANDB_API_KEY, else a prompt on the terminal (not',
    'echoed), else one line of stdin. It is stored only once the server accepts it, for the host',
    'of --host or WANDB_BASE_URL ("machine <host[:port]> login user password <key>"), in the file',
    'NETRC names or ~/.netrc, written atomically and readable by you only (0600).',
  ].join('\n'),
  options: {
    host: {
      type: 'string',
      valueName: 'URL',
      description: 'W&B API address (default: WANDB_BASE_URL, else https://api.wandb.ai)',
    },
  },
  async run(ctx) {
    if (ctx.positionals.length > 1) {
      throw new UsageError(`Expected at most one KEY, got ${ctx.positionals.length}`, 'login')
    }
    const baseUrl = normalizeBaseUrl(
      typeof ctx.values.host === 'string'
        ? ctx.values.host
        : env('WANDB_BASE_URL') ?? DEFAULT_BASE_URL,
    )
    const key = (await readKey(ctx, baseUrl))?.trim()
    if (!key) throw new UsageError('No API key given', 'login')
    if (!/^[!-~]+$/.test(key)) {
      throw new UsageError(
        'The API key contains spaces or characters other than printable ASCII; copy it again',
        'login',
      )
    }
    const viewer = await cliApi(ctx, { apiKey: key, baseUrl }).verify(ctx.signal)
    const machine = new URL(baseUrl).host
    const path = netrcPath()
    await storeNetrcKey(path, machine, key)
    const who = viewer.username ?? viewer.entity ?? 'an account'
    ctx.io.stderr(`wbx: logged in to ${machine} as ${who}; key stored in ${path}\n`)
    return 0
  },
}

/** The key from the argument, WANDB_API_KEY, a hidden prompt, or stdin. */
async function readKey(ctx: CommandContext, baseUrl: string): Promise<string | undefined> {
  if (ctx.positionals[0] !== undefined) return ctx.positionals[0]
  const fromEnv = env('WANDB_API_KEY')
  if (fromEnv) {
    ctx.io.stderr('wbx: using the key in WANDB_API_KEY\n')
    return fromEnv
  }
  if (ctx.io.stdinIsTTY && ctx.io.readSecret) {
    return await ctx.io.readSecret(
      `Paste an API key from ${apiToAppUrl(baseUrl)}/authorize (it is not shown): `,
    )
  }
  return await ctx.io.readLine?.()
}
