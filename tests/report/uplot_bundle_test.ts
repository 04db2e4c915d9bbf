/** The checked-in uPlot bundle is exactly what `deno task uplot-bundle` makes from node_modules. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { BUNDLE_PATH, uplotBundleSource } from '../../scripts/uplot_bundle.ts'
import { UPLOT_CSS, UPLOT_JS, UPLOT_LICENSE, UPLOT_VERSION } from '../../src/report/uplot_bundle.ts'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
const deno = JSON.parse(readFileSync(new URL('../../deno.json', import.meta.url), 'utf8'))
const installed = existsSync(new URL('../../node_modules/uplot/package.json', import.meta.url))
const skip = installed ? false : 'SKIPPED: node_modules/uplot is missing; run npm ci'
if (skip) console.warn(skip)

describe('uplot_bundle.ts', () => {
  it(
    'matches node_modules/uplot byte for byte (regenerate: deno task uplot-bundle)',
    { skip },
    () => {
      assert.equal(readFileSync(BUNDLE_PATH, 'utf8'), uplotBundleSource())
    },
  )

  it('is the version pinned in package.json and deno.json, with its MIT licence', () => {
    assert.equal(pkg.devDependencies.uplot, UPLOT_VERSION)
    assert.equal(deno.imports.uplot, `npm:uplot@${UPLOT_VERSION}`)
    assert.match(UPLOT_LICENSE, /^The MIT License \(MIT\)\n\nCopyright \(c\) \d{4} Leon Sorokin/)
    assert.match(
      UPLOT_JS,
      /^\/\*! https:\/\/github\.com\/leeoniya\/uPlot \(v1\.6\.32\) \*\/\nvar uPlot=/,
    )
    assert.match(UPLOT_CSS, /\.uplot/)
  })
})
