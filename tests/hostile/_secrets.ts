/**
 * The secret scanner of the hostile tests: every byte wbx wrote (stdout, stderr, every file under
 * the output folders, hidden ones, the manifest and the journal included) is searched for an API
 * key, its HTTP Basic forms and signed-URL signatures, and for any 8-character piece of them, so a
 * secret cut in half by a shortened message is still found.
 */
import { Buffer } from 'node:buffer'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** One secret as it may appear in output. */
export interface Needle {
  /** What it is, for the failure message. */
  label: string
  /** The text searched for. */
  text: string
}

/** Where a needle was found. */
export interface Finding {
  /** `stdout`, `stderr` or a file path. */
  where: string
  /** The needle's label. */
  label: string
  /** A few characters around the hit. */
  context: string
}

/** Shortest piece of a secret that counts as leaked. */
const PIECE = 8

/** The forms of an API key a leak could take: the key, base64 of `api:<key>`, its URL-safe and URL-encoded forms. */
export function keyNeedles(apiKey: string): Needle[] {
  const basic = Buffer.from(`api:${apiKey}`).toString('base64').replace(/=+$/, '')
  return [
    { label: 'API key', text: apiKey },
    { label: 'Basic value', text: basic },
    { label: 'Basic value (base64url)', text: basic.replace(/\+/g, '-').replace(/\//g, '_') },
    { label: 'Basic value (URL-encoded)', text: encodeURIComponent(basic) },
  ]
}

/** Every `PIECE`-long window of each needle (the whole needle when shorter). */
function pieces(needles: Needle[]): Needle[] {
  const out: Needle[] = []
  for (const n of needles) {
    if (n.text.length <= PIECE) out.push(n)
    else {
      for (let i = 0; i + PIECE <= n.text.length; i++) {
        out.push({ label: n.label, text: n.text.slice(i, i + PIECE) })
      }
    }
  }
  return out
}

/** Every regular file under `dir` (recursively, hidden ones too) with its bytes as Latin-1 text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...filesUnder(path))
    else if (entry.isFile()) out.push({ path, text: readFileSync(path).toString('latin1') })
  }
  return out
}

/** Searches the outputs for every piece of every needle; returns the findings (empty when clean). */
export function scanForSecrets(
  needles: Needle[],
  outputs: { stdout?: string; stderr?: string; dirs?: string[] },
): Finding[] {
  const places: { where: string; text: string }[] = []
  if (outputs.stdout !== undefined) places.push({ where: 'stdout', text: outputs.stdout })
  if (outputs.stderr !== undefined) places.push({ where: 'stderr', text: outputs.stderr })
  for (const dir of outputs.dirs ?? []) {
    for (const f of filesUnder(dir)) places.push({ where: f.path, text: f.text })
  }
  const findings: Finding[] = []
  const all = pieces(needles)
  for (const place of places) {
    for (const n of all) {
      const at = place.text.indexOf(n.text)
      if (at < 0) continue
      findings.push({
        where: place.where,
        label: n.label,
        context: place.text.slice(Math.max(0, at - 40), at + n.text.length + 40),
      })
      break // one finding per place is enough to fail
    }
  }
  return findings
}

/** Fails with every finding when any output holds a piece of a needle. */
export function assertNoSecrets(
  needles: Needle[],
  outputs: { stdout?: string; stderr?: string; dirs?: string[] },
): void {
  const findings = scanForSecrets(needles, outputs)
  if (findings.length > 0) {
    throw new Error(
      `secrets in wbx output:\n${
        findings.map((f) => `  ${f.where}: ${f.label} in …${JSON.stringify(f.context)}…`).join('\n')
      }`,
    )
  }
}
