// A real Chromium (Debian's, driven by playwright-core) for the browser suite: one browser per
// file, a fresh context per test, every wait bounded, and what the page complains about
// (console errors, uncaught exceptions, CSP violations) collected for the assertions.
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** The reason to skip the suite, or false when Chromium is installed. */
export const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it): the browser suite is skipped`

/** Every wait in the suite: generous for a busy 2-core machine, but bounded. */
export const WAIT = 10_000

export function launch (): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 30_000,
  })
}

/** What a page reported while a test ran. */
export interface Complaints {
  /** console.error messages (the browser logs refused loads and CSP refusals there too). */
  errors: string[]
  /** Uncaught exceptions in page scripts. */
  exceptions: string[]
  /** securitypolicyviolation events: `directive blocked-uri`. */
  violations: string[]
}

/** A fresh context whose pages report their complaints, and its first page. */
export async function openPage (browser: Browser): Promise<{ context: BrowserContext, page: Page, complaints: Complaints }> {
  const context = await browser.newContext()
  context.setDefaultTimeout(WAIT)
  context.setDefaultNavigationTimeout(WAIT)
  const complaints: Complaints = { errors: [], exceptions: [], violations: [] }
  // A binding, not a page variable: violations are kept across navigations.
  await context.exposeBinding('taoReportViolation', (_source, text: string) => { complaints.violations.push(text) })
  // A string, not a function: the tests are compiled without the DOM types.
  await context.addInitScript(`document.addEventListener('securitypolicyviolation',
    (e) => window.taoReportViolation(e.violatedDirective + ' ' + e.blockedURI))`)
  const page = await context.newPage()
  page.on('console', (msg) => { if (msg.type() === 'error') complaints.errors.push(`${msg.text()} (${page.url()})`) })
  page.on('pageerror', (err) => { complaints.exceptions.push(String(err)) })
  return { context, page, complaints }
}

/** A plain HTTP server on 127.0.0.1 answering each path with its HTML: another origin. */
export async function otherOrigin (pages: Record<string, string>): Promise<{ port: number, close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const html = pages[(req.url ?? '/').split('?', 1)[0]!]
    res.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(html ?? 'not found')
  })
  await new Promise<void>((resolve, reject) => server.listen(0, '127.0.0.1', resolve).once('error', reject))
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
