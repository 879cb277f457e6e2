// A compact reporter for Node's test runner (`npm test`): nothing for a passing test, each
// failure in full as it happens, then one summary. The full TAP stays available with
// `npm test -- --tap` (or TAO_TEST_REPORTER=tap|spec|dot).
import { relative } from 'node:path'
import { inspect } from 'node:util'

const root = process.cwd()
const where = (file) => (file ? relative(root, file) : '?')

function describeError (error) {
  // The runner wraps the test's error in ERR_TEST_FAILURE; show the one the test threw.
  const cause = error?.code === 'ERR_TEST_FAILURE' && error.cause ? error.cause : error
  return inspect(cause, { depth: 6, colors: false }).split('\n')
    .map((l) => (/^\s+at .*\(?node:(internal|async_hooks)/.test(l) ? (l.endsWith(' {') ? '    {' : null) : l))
    .filter((l) => l !== null)
    .map((l) => `    ${l}`).join('\n')
}

export default async function * compact (source) {
  const counts = { pass: 0, fail: 0, skip: 0, todo: 0, cancelled: 0 }
  const perFile = new Map()
  const skipped = new Map()
  const started = Date.now()
  let ticks = 0
  for await (const { type, data } of source) {
    if (type !== 'test:pass' && type !== 'test:fail') {
      if (type === 'test:stderr' || type === 'test:stdout') continue
      if (type === 'test:diagnostic' && data.nesting === 0 && /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(data.message)) continue
      if (type === 'test:diagnostic' && data.nesting > 0) continue
      if (type === 'test:diagnostic') yield `# ${data.message}\n`
      continue
    }
    if (data.details?.type === 'suite') {
      if (type === 'test:fail' && data.details.error?.failureType !== 'subtestsFailed') {
        counts.fail++
        yield `\n✖ ${where(data.file)} › ${data.name} (suite)\n${describeError(data.details.error)}\n`
      }
      continue
    }
    const file = where(data.file)
    perFile.set(file, (perFile.get(file) ?? 0) + (data.details?.duration_ms ?? 0))
    if (data.skip !== undefined) {
      counts.skip++
      // A skip says why (redis-server or nginx missing...): shown once per reason, never silent.
      if (typeof data.skip === 'string') skipped.set(data.skip, (skipped.get(data.skip) ?? 0) + 1)
    } else if (data.todo !== undefined) counts.todo++
    else if (type === 'test:pass') counts.pass++
    else if (data.details?.error?.failureType === 'cancelledByParent') counts.cancelled++
    else {
      counts.fail++
      yield `\n✖ ${file} › ${data.name} (${Math.round(data.details?.duration_ms ?? 0)} ms)\n${describeError(data.details?.error)}\n`
    }
    // One dot per ten tests keeps a long run visibly alive without flooding the terminal.
    if (++ticks % 10 === 0) yield ticks % 800 === 0 ? '.\n' : '.'
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  const slowest = [...perFile].sort((a, b) => b[1] - a[1]).slice(0, 5)
    .map(([f, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${f}`).join('\n')
  yield `\n\nslowest files (summed test time):\n${slowest}\n`
  yield `\nℹ files ${perFile.size}, ${seconds} s\n`
  for (const [reason, n] of skipped) yield `﹣ ${n} skipped: ${reason}\n`
  yield `${counts.pass} passed, ${counts.fail + counts.cancelled} failed, ${counts.skip} skipped\n`
}
