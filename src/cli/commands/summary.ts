/** `wbx summary <source>`: the run summary as the server would hold it. */
import type { Command } from '../command.ts'
import { runDocumentCommand } from './document_output.ts'

/** The `summary` command. */
export const summaryCommand: Command = runDocumentCommand({
  name: 'summary',
  summary: 'Print the run summary (last values and explicit summary writes) as JSON',
  document: (_run, summary) => Promise.resolve(summary),
})
