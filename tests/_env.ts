/** Sets environment variables for a test file and gives back what restores them. */
import process from 'node:process'

/** Sets each variable (undefined unsets it); the returned function puts every one back as it was. */
export function setEnv(values: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]))
  const apply = (from: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(from)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
  apply(values)
  return () => apply(saved)
}
