import { debuglog } from 'node:util'

/** Opt-in tracing: run with NODE_DEBUG=tao:embedded. */
export const debug = debuglog('tao:embedded')
