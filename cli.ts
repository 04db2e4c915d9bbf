#!/usr/bin/env -S deno run -A
/**
 * The `wbx` command line: `deno run -A jsr:@wbx/wbx/cli history ./wandb/latest-run -o history.parquet`.
 *
 * @module
 */
import { main } from './src/cli/main.ts'
import { args, exit, ignoreBrokenPipe, onInterrupt } from './src/runtime.ts'

ignoreBrokenPipe()
const controller = new AbortController()
onInterrupt(() => controller.abort(new Error('Interrupted (Ctrl-C)')))
exit(await main(args(), { signal: controller.signal }))
