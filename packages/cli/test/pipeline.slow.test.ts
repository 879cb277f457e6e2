// The showcase's pipeline page in a real browser (Chromium): with the three processes running,
// /pipeline/ shows the clock ticking, the pin's LED toggling and the buzzer ringing (the sound
// on), with no console error, exception or CSP violation.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { launch, openPage, skip } from '../../core/test/browser/helpers.js'
import { startPipeline } from './pipeline-helpers.js'

test('the pipeline page shows the three machines live', { skip }, async (t) => {
  const pipeline = await startPipeline()
  t.after(() => { for (const s of pipeline.all) s.child.kill('SIGKILL') })
  const browser = await launch()
  t.after(() => browser.close())
  const { page, complaints } = await openPage(browser)
  await page.goto(`${pipeline.site.address}/pipeline/`)
  await page.check('#sound')
  // Selectors and polling from here: the page's CSP (script-src 'self') forbids evaluated strings.
  await page.locator('#status', { hasText: 'Live.' }).waitFor()
  await page.locator('#pin[data-link="up"]').waitFor({ timeout: 30_000 })
  await page.locator('#buzzer[data-link="up"]').waitFor({ timeout: 30_000 })
  // Both levels of the LED and a growing buzz count, each seen in the page, the bell ringing.
  const levels = new Set<string>()
  const first = Number(await page.textContent('#buzzes'))
  let buzzes = first
  const deadline = Date.now() + 15_000
  while ((levels.size < 2 || buzzes <= first) && Date.now() < deadline) {
    levels.add(await page.getAttribute('#led', 'data-level') ?? '')
    buzzes = Number(await page.textContent('#buzzes'))
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  assert.deepEqual([...levels].sort(), ['high', 'low'])
  assert.ok(buzzes > first, `the buzz count grew from ${first}`)
  await page.locator('#bell.ring').waitFor({ state: 'attached' })
  assert.match(await page.textContent('#clock') ?? '', /\d/)
  assert.deepEqual(complaints, { errors: [], exceptions: [], violations: [] })
})
