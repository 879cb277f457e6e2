// Issue 19 point 1: the 50-item page through a layout, tao's reply.render against bare Fastify
// with a cached Nunjucks Environment (bench/templates.mjs). Goal: ≥ 1.1× requests/s.
import { fileURLToPath } from 'node:url'
import { makeProject } from '../templates.mjs'
import { throughputScenario } from '../lib/scenario.mjs'

const templates = fileURLToPath(new URL('../templates.mjs', import.meta.url))
let project

export const scenario = throughputScenario({
  title: 'page through a layout: tao reply.render / bare Fastify + Nunjucks',
  goal: { op: '>=', ratio: 1.1 },
  path: '/page',
  connections: 10,
  setup: () => {
    project = makeProject()
    return () => project.cleanup()
  },
  servers: () => ({
    'tao reply.render': { module: templates, args: ['--server', 'tao', project.root] },
    'bare fastify + nunjucks': { module: templates, args: ['--server', 'bare', project.root] },
  }),
})
