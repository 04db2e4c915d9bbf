import { redactText } from '../api/redact.ts'

/** Renders an error for stderr: its message and the messages of its causes (secrets removed), never a stack. */
export function describeError(err: unknown): string {
  const parts: string[] = []
  let current: unknown = err
  for (let depth = 0; current !== undefined && depth < 4; depth++) {
    const message = current instanceof Error ? current.message : String(current)
    if (!parts.includes(message)) parts.push(message)
    current = current instanceof Error ? current.cause : undefined
  }
  return redactText(parts.join(': '))
}
