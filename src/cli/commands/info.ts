/** `wbx info <source>`: the run's attributes (id, name, state, tags, times, keys, writer). */
import type { Command } from '../command.ts'
import { runDocumentCommand } from './document_output.ts'

/** The `info` command. */
export const infoCommand: Command = runDocumentCommand({
  name: 'info',
  summary: "Print the run's attributes (id, name, state, tags, notes, steps, writer) as JSON",
  document: (run, _summary, signal) => run.info(signal),
})
