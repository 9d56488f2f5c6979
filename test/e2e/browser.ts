/**
 * What the browser tests share: a vigil binary with an admin and an API token, Chromium driven by
 * playwright-core, and a list of the console errors, page errors and failed requests the test
 * asserts is empty.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { tempDir } from '../helpers/app.ts'
import { copyBinary, root, startVigil, type VigilProcess } from './process.ts'

/** chromiumPath is Debian's Chromium, installed by .ci/run (apt-get install chromium). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** outputDir is where screenshots go. */
export const outputDir = join(root, 'test-output')

/** BrowserServer is a running vigil and the API token it was started with. */
export interface BrowserServer {
  dir: string
  vigil: VigilProcess
  token: string
  stop(): Promise<void>
}

/** startServer runs the binary in a fresh directory with a token holding `scopes`. */
export async function startServer(adminPassword: string, scopes: string): Promise<BrowserServer> {
  mkdirSync(outputDir, { recursive: true })
  const dir = tempDir('vigil-browser-')
  const binary = copyBinary(dir)
  const env = { VIGIL_ADMIN_PASSWORD: adminPassword }
  const token = Bun.spawnSync([binary, 'token', 'create', '--name', 'agent', '--scopes', scopes], {
    cwd: dir,
    env,
  })
    .stdout.toString()
    .trim()
  const vigil = await startVigil([binary, '--port', '0', '--listen', '127.0.0.1'], {
    cwd: dir,
    env,
  })
  return {
    dir,
    vigil,
    token,
    async stop() {
      await vigil.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** BrowserPage is a Chromium page and what went wrong on it so far. */
export interface BrowserPage {
  browser: Browser
  page: Page
  problems: string[]
}

/** openBrowser launches headless Chromium with one page that records its problems. */
export async function openBrowser(): Promise<BrowserPage> {
  const browser = await chromium.launch({
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
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  const problems: string[] = []
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning')
      problems.push(`${msg.type()}: ${msg.text()}`)
  })
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`))
  // A navigation aborts what the page was still loading (its favicon, say): not a problem.
  page.on('requestfailed', (req) => {
    if (req.failure()?.errorText !== 'net::ERR_ABORTED')
      problems.push(`requestfailed: ${req.url()}`)
  })
  return { browser, page, problems }
}

/** signIn fills the login form as admin and waits for the Overview. */
export async function signIn(page: Page, url: string, password: string): Promise<void> {
  await page.goto(`${url}/login`)
  await page.fill('input[name=username]', 'admin')
  await page.fill('input[name=password]', password)
  await page.click('button[type=submit]')
  await page.waitForURL(`${url}/`)
}

/**
 * callApi calls the server's API with its token: GET without a body, POST with one as JSON. It
 * throws unless the answer has the expected status (200 by default), and returns the JSON.
 */
export async function callApi<T = Record<string, unknown[]>>(
  server: BrowserServer,
  path: string,
  body?: unknown,
  expected = 200,
): Promise<T> {
  const res = await fetch(`${server.vigil.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (res.status !== expected)
    throw new Error(`${path} answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as T
}
