// Issue 19 point 3: hello with the default logLevel 'info' against logging off. Goal: logging
// costs at most 10% of the requests/s.
import { loggingServers } from '../logging.mjs'
import { throughputScenario } from '../lib/scenario.mjs'

export const scenario = throughputScenario({
  title: "default logging (hello, logLevel 'info') / logging off",
  goal: { op: '>=', ratio: 0.9 },
  path: '/hello',
  servers: loggingServers,
})
