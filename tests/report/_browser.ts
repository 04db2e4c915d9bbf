/**
 * Test-only: opens report pages in a real headless Chromium (Debian's `chromium`, driven by
 * puppeteer-core) and reads back what each chart holds. `chromiumPath()` is undefined when no
 * Chromium is installed, so browser tests can skip loudly (CI installs it).
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import process from 'node:process'
import puppeteer, { type Browser } from 'puppeteer-core'

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']

/** The Chromium executable (WBX_CHROMIUM, else the Debian path), or undefined when absent. */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env.WBX_CHROMIUM
  if (fromEnv && existsSync(fromEnv)) return fromEnv
  return CANDIDATES.find((p) => existsSync(p))
}

/** Why browser tests skip, or false when Chromium is there. */
export function browserSkip(): string | false {
  if (chromiumPath()) return false
  const reason =
    'SKIPPED: no Chromium (apt-get install chromium, or set WBX_CHROMIUM); CI installs it'
  console.warn(reason)
  return reason
}

/** What one chart in a page holds. */
export interface PageChart {
  id: string
  title: string
  /** Non-null, non-undefined y values per series (after uPlot's alignment). */
  points: number[]
  /** Series labels. */
  labels: string[]
  /** Canvas pixels that are not background. */
  inkPixels: number
}

/** What a report page showed. */
export interface PageResult {
  errors: string[]
  charts: PageChart[]
  /** Rows of the runs table. */
  runRows: number
  title: string
}

/**
 * Runs in the page: every chart's points per series (uPlot's data after alignment, nulls and
 * alignment holes left out), labels and the canvas pixels drawn in a series colour (not grey).
 */
const READ_PAGE = `(() => {
  const charts = window.__wbx.plots.map((p) => {
    const u = p.uplot
    const canvas = u.ctx.canvas
    const px = u.ctx.getImageData(0, 0, canvas.width, canvas.height).data
    let ink = 0
    for (let i = 0; i < px.length; i += 4) {
      const hi = Math.max(px[i], px[i + 1], px[i + 2]), lo = Math.min(px[i], px[i + 1], px[i + 2])
      if (px[i + 3] > 0 && hi - lo > 40) ink++
    }
    return {
      id: p.id,
      title: p.title,
      points: u.data.slice(1).map((ys) => ys.filter((v) => v != null).length),
      labels: u.series.slice(1).map((s) => s.label),
      inkPixels: ink,
    }
  })
  return { charts, runRows: document.querySelectorAll('table.runs tbody tr').length, title: document.title }
})()`

/** A headless Chromium with a fresh profile; close() removes the profile. */
export class TestBrowser {
  readonly #browser: Browser
  readonly #profile: string

  private constructor(browser: Browser, profile: string) {
    this.#browser = browser
    this.#profile = profile
  }

  /** Launches Chromium with the flags that keep it off the network. */
  static async launch(): Promise<TestBrowser> {
    const profile = await mkdtemp(join(tmpdir(), 'wbx-chromium-'))
    const browser = await puppeteer.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
      ],
      protocolTimeout: 120_000,
    })
    return new TestBrowser(browser, profile)
  }

  /**
   * Opens an HTML file, waits for the report to draw, screenshots it (the whole page, and the
   * first screen as `-top.png`), reads every chart.
   */
  async open(file: string, screenshot?: string): Promise<PageResult> {
    const page = await this.#browser.newPage()
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    page.on('pageerror', (e) => errors.push(String(e)))
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) {
        errors.push(`network request from a self-contained page: ${r.url()}`)
      }
    })
    try {
      await page.setViewport({ width: 1280, height: 900 })
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 120_000 })
      await page.waitForSelector('.wbx-report[data-ready=true]', { timeout: 120_000 })
      if (screenshot) {
        await page.screenshot({ path: screenshot as `${string}.png`, fullPage: true })
        const top = screenshot.replace(/\.png$/, '-top.png') as `${string}.png`
        await page.screenshot({ path: top })
      }
      const result = await page.evaluate(READ_PAGE) as Omit<PageResult, 'errors'>
      return { errors, ...result }
    } finally {
      await page.close()
    }
  }

  /** Reads a value computed in the page (for spike checks). */
  async evaluate<T>(file: string, fn: string): Promise<T> {
    const page = await this.#browser.newPage()
    try {
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 120_000 })
      await page.waitForSelector('.wbx-report[data-ready=true]', { timeout: 120_000 })
      return await page.evaluate(fn) as T
    } finally {
      await page.close()
    }
  }

  /** Closes Chromium and removes its profile. */
  async close(): Promise<void> {
    await this.#browser.close()
    await rm(this.#profile, { recursive: true, force: true })
  }
}
