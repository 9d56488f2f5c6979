import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { tempDir } from '../helpers/app.ts'
import { copyBinary, root, startVigil, type VigilProcess } from './process.ts'

/** chromiumPath is Debian's Chromium, installed by .ci/run (apt-get install chromium). */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const outputDir = join(root, 'test-output')

let dir: string
let vigil: VigilProcess
let browser: Browser
let page: Page
const problems: string[] = []

beforeAll(async () => {
  mkdirSync(outputDir, { recursive: true })
  dir = tempDir('vigil-browser-')
  vigil = await startVigil([copyBinary(dir), '--port', '0', '--listen', '127.0.0.1'], { cwd: dir })
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning')
      problems.push(`${msg.type()}: ${msg.text()}`)
  })
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`))
  page.on('requestfailed', (req) => problems.push(`requestfailed: ${req.url()}`))
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await vigil?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('dashboard in Chromium', () => {
  it('loads / with htmx running and no console errors', async () => {
    const res = await page.goto(`${vigil.url}/`)
    expect(res?.status()).toBe(200)
    await page.waitForFunction(() => 'htmx' in window)
    expect(await page.title()).toBe('Overview · vigil')
    expect(await page.locator('nav.sidebar a').count()).toBe(11)
    expect(await page.locator('[data-stat="version"]').textContent()).toMatch(/^\d+\.\d+\.\d+$/)
    expect(problems).toEqual([])
  })

  it('switches between light and dark theme and remembers the choice', async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    const before = await background()
    const themeBefore = await page.evaluate(() => document.documentElement.dataset.theme ?? 'auto')
    await page.click('#theme-toggle')
    const after = await background()
    const themeAfter = await page.evaluate(() => document.documentElement.dataset.theme)
    expect(after).not.toBe(before)
    expect(themeAfter).not.toBe(themeBefore)
    await page.screenshot({ path: join(outputDir, `dashboard-${themeAfter}.png`), fullPage: true })
    await page.reload()
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(themeAfter!)
    expect(await background()).toBe(after)
    await page.click('#theme-toggle')
    expect(await background()).toBe(before)
    expect(problems).toEqual([])
  })

  it('refreshes the Overview panel by itself', async () => {
    const panel = page.locator('#overview-panel')
    const first = await panel.getAttribute('data-generated-at')
    const requestsBefore = await page.locator('[data-stat="requests"]').textContent()
    await page.waitForFunction(
      (previous) =>
        document.querySelector('#overview-panel')?.getAttribute('data-generated-at') !== previous,
      first,
      { timeout: 15_000 },
    )
    const requestsAfter = await page.locator('[data-stat="requests"]').textContent()
    expect(Number(requestsAfter!.replace(/,/g, ''))).toBeGreaterThan(
      Number(requestsBefore!.replace(/,/g, '')),
    )
    await page.screenshot({ path: join(outputDir, 'dashboard.png'), fullPage: true })
    expect(problems).toEqual([])
  }, 30_000)

  it('navigates to a section that is not built yet', async () => {
    await page.click('nav.sidebar >> text=Incidents')
    await page.waitForURL(`${vigil.url}/dashboard/incidents`)
    expect(await page.locator('h1').textContent()).toBe('Incidents')
    expect(await page.locator('main').textContent()).toContain('This page is not built yet.')
    expect(problems).toEqual([])
  })
})
