// Runs the test suites with Node's own test runner under tsx, the loader users run with.
//   node scripts/test.mjs            fast suites (npm test)
//   node scripts/test.mjs --slow     the slow suites: load, nginx, browser (*.slow.test.ts)
//   node scripts/test.mjs FILE...    only these files
//   --tap (or TAO_TEST_REPORTER=tap|spec|dot)  the runner's full output instead of the
//   compact summary of scripts/test-reporter.mjs
//   --record-times  writes each file's time to scripts/test-times.json (commit it)
//
// Files start longest first, by the times recorded in scripts/test-times.json (as Jest
// orders by its cached durations): a long file started last would leave the other lanes
// idle at the end. A file with no recorded time counts as a short one.
//
// Three files at a time by default (TAO_TEST_CONCURRENCY): many tests wait on child
// processes, sockets and timers, and a third lane uses the CPU the other two leave idle
// (on the 2-core machine the fast suite took 239 s with two lanes, 219 s with three).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const slow = args.includes('--slow')
const named = args.filter((a) => !a.startsWith('--'))
const reporter = args.includes('--tap') ? 'tap' : (process.env.TAO_TEST_REPORTER ?? fileURLToPath(new URL('./test-reporter.mjs', import.meta.url)))

function walk (dir, out) {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'fixtures' || entry.startsWith('.')) continue
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) walk(path, out)
    else if (entry.endsWith('.test.ts')) out.push(relative(root, path))
  }
  return out
}

const timesFile = join(root, 'scripts', 'test-times.json')
const times = existsSync(timesFile) ? JSON.parse(readFileSync(timesFile, 'utf8')) : {}
const weight = (f) => times[f] ?? 1
const files = named.length > 0
  ? named
  : walk(join(root, 'packages'), []).filter((f) => f.endsWith('.slow.test.ts') === slow)
    .sort((a, b) => weight(b) - weight(a) || a.localeCompare(b))

if (files.length === 0) {
  if (slow) {
    console.log('No slow suites yet.')
    process.exit(0)
  }
  console.error('No test files found.')
  process.exit(1)
}

const result = spawnSync(process.execPath, [
  '--import', 'tsx',
  '--test',
  `--test-concurrency=${process.env.TAO_TEST_CONCURRENCY ?? 3}`,
  '--test-reporter', reporter,
  ...files,
], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', ...(args.includes('--record-times') && !slow ? { TAO_TEST_TIMES_OUT: timesFile } : {}) } })
process.exit(result.status ?? 1)
