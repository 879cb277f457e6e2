// Issue 2 / 19: the hello JSON route, tao against bare Fastify. Goal: ≥ 0.9× requests/s.
import { throughputScenario } from '../lib/scenario.mjs'

const server = (name) => ({ module: new URL(`../servers/${name}.mjs`, import.meta.url).pathname })

export const scenario = throughputScenario({
  title: 'hello JSON route: tao / bare Fastify',
  goal: { op: '>=', ratio: 0.9 },
  path: '/hello',
  servers: () => ({ tao: server('hello-tao'), 'bare fastify': server('hello-fastify') }),
})
