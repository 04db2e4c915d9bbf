/** Every `wbx` command, in the order `wbx --help` lists them. */
import type { Command } from '../command.ts'
import { artifactsCommand } from './artifacts.ts'
import { configCommand } from './config.ts'
import { exportCommand } from './export.ts'
import { filesCommand } from './files.ts'
import { historyCommand } from './history.ts'
import { infoCommand } from './info.ts'
import { loginCommand } from './login.ts'
import { logsCommand } from './logs.ts'
import { plotCommand } from './plot.ts'
import { reportCommand } from './report.ts'
import { runCommand } from './run.ts'
import { runsCommand } from './runs.ts'
import { summaryCommand } from './summary.ts'
import { systemCommand } from './system.ts'
import { uploadCommand } from './upload.ts'
import { verifyCommand } from './verify.ts'

/** The command table. */
export const commands: readonly Command[] = [
  historyCommand,
  systemCommand,
  summaryCommand,
  configCommand,
  infoCommand,
  logsCommand,
  filesCommand,
  artifactsCommand,
  runsCommand,
  exportCommand,
  reportCommand,
  plotCommand,
  verifyCommand,
  runCommand,
  uploadCommand,
  loginCommand,
]
