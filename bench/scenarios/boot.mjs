// Issue 19 point 2: `tao start` of a built 20-app project to its first 200, against bare
// Fastify registering the same routes, templates and static roots (bench/boot.mjs).
// Goal: ≤ 1.5× the time.
import { rmSync } from 'node:fs'
import { bootContenders, bootRounds } from '../boot.mjs'
import { makeBootProject } from '../lib/boot-project.mjs'

export const scenario = {
  title: 'boot of a built 20-app project to its first 200: tao start / bare Fastify',
  unit: 'ms to first 200',
  goal: { op: '<=', ratio: 1.5 },
  async run ({ rounds }) {
    const project = makeBootProject({ apps: 20 })
    try {
      const samples = await bootRounds(bootContenders(project), Math.max(rounds, 5))
      const a = samples.tao
      const b = samples['bare fastify']
      const med = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]
      return {
        subject: 'tao start',
        baseline: 'bare fastify',
        ratios: a.map((x, i) => x.ms / b[i].ms),
        cpuRatios: a.map((x, i) => x.cpu / b[i].cpu),
        note: `${med(a.map((x) => x.ms)).toFixed(0)} vs ${med(b.map((x) => x.ms)).toFixed(0)} ms wall, ${med(a.map((x) => x.cpu))} vs ${med(b.map((x) => x.cpu))} ms CPU to the first 200 (medians)`,
      }
    } finally {
      rmSync(project.root, { recursive: true, force: true })
    }
  },
}
