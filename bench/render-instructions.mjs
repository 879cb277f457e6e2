// Instructions per render of the bench page (bench/templates.mjs: 50 items through a layout),
// tao's render layer (app.render, the path reply.render takes) against a plain
// nunjucks.Environment.render of the same templates, in one process under valgrind's callgrind.
//   node bench/render-instructions.mjs [--renders 300] [--runs 3]
// The worker (this file, --worker) renders both ways until warm, then the parent turns
// counting on around `--renders` renders of one kind, off, and dumps (which zeroes the
// counters); an empty phase measures the cost of the messages around a phase, subtracted from
// both. Phases are interleaved; the median of the runs is reported. Skipped without valgrind.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { makeProject } from './templates.mjs'

const WARMUP = 3000
const self = fileURLToPath(import.meta.url)

/** Worker: builds both renderers, then renders on request ({ kind, n }) and answers 'done'. */
async function worker (root) {
  const { createApp } = await import('@tao/core')
  const { default: nunjucks } = await import('nunjucks')
  const { pageContext } = await import(pathToFileURL(join(root, 'context.js')).href)
  const app = await createApp({ root })
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(root, 'bare'), { noCache: false }), { autoescape: true })
  const kinds = {
    none: () => '',
    tao: () => app.render('home:page', pageContext()),
    nunjucks: () => env.render('page.html', pageContext()),
  }
  if (kinds.tao() !== kinds.nunjucks()) throw new Error('tao and nunjucks render different pages')
  let sink = 0
  for (let i = 0; i < WARMUP; i++) sink += kinds.tao().length + kinds.nunjucks().length
  process.on('message', ({ kind, n }) => {
    const render = kinds[kind]
    for (let i = 0; i < n; i++) sink += render().length
    process.send({ done: sink })
  })
  process.send({ ready: true })
}

async function main () {
  const arg = (name, def) => {
    const i = process.argv.indexOf(`--${name}`)
    return i === -1 ? def : Number(process.argv[i + 1])
  }
  const RENDERS = arg('renders', 300)
  const RUNS = arg('runs', 3)
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.log('valgrind is not installed: skipped (apt-get install valgrind)')
    return
  }
  const project = makeProject()
  const dir = mkdtempSync(join(tmpdir(), 'tao-callgrind-'))
  const child = spawn('valgrind', ['-q', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${dir}/out`,
    process.execPath, self, '--worker', project.root], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  try {
    await new Promise((resolve, reject) => {
      child.once('message', resolve)
      child.once('exit', (code) => reject(new Error(`the worker exited with ${code}`)))
    })
    const control = (...args) => execFileSync('callgrind_control', [...args, String(child.pid)], { stdio: 'ignore' })
    let dumps = 0
    const phase = async (kind, n) => {
      control('-i', 'on')
      await new Promise((resolve) => { child.once('message', resolve); child.send({ kind, n }) })
      control('-i', 'off')
      control('-d')
      dumps++
      // Dump files are numbered from 1: out.<pid>.<n>, or out.<n> (valgrind versions differ).
      const file = readdirSync(dir).find((f) => f.endsWith(`.${dumps}`))
      const m = file && /^totals:\s+(\d+)/m.exec(readFileSync(join(dir, file), 'utf8'))
      if (!m) throw new Error(`no callgrind dump ${dumps} in ${dir}`)
      return Number(m[1])
    }
    const runs = { tao: [], nunjucks: [] }
    for (let r = 0; r < RUNS; r++) {
      const order = r % 2 === 0 ? ['tao', 'nunjucks'] : ['nunjucks', 'tao']
      for (const kind of order) {
        const empty = await phase('none', RENDERS)
        runs[kind].push((await phase(kind, RENDERS) - empty) / RENDERS)
      }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
    const fmt = (x) => Math.round(x).toLocaleString('en-US')
    const tao = median(runs.tao)
    const bare = median(runs.nunjucks)
    console.log(`\n50-item page through a layout, instructions per render (callgrind, ${RENDERS} renders after ${WARMUP} warm-up, one process; median of ${RUNS} interleaved runs)`)
    console.log(`  tao app.render             ${fmt(tao).padStart(9)}   (runs ${runs.tao.map(fmt).join(', ')})`)
    console.log(`  nunjucks Environment.render ${fmt(bare).padStart(8)}   (runs ${runs.nunjucks.map(fmt).join(', ')})`)
    console.log(`  ratio tao/nunjucks: ${(tao / bare).toFixed(2)}x instructions per render`)
  } finally {
    child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
    project.cleanup()
  }
}

const at = process.argv.indexOf('--worker')
if (at !== -1) await worker(process.argv[at + 1])
else if (process.argv[1] === self) await main()
