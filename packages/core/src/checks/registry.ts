import type { ServiceRecord } from '../services/runner.js'
import type { Settings } from '../settings/index.js'
import type { CheckMessage } from './messages.js'

/** What a check looks at. */
export interface CheckContext {
  settings: Settings
  /** Project root (deploy/, var/ ...). */
  root: string
  /** The project's services (their stop timeouts count toward shutdown time). */
  services: readonly ServiceRecord[]
  /** The project's pending migrations, when the caller could read them from the database. */
  pendingMigrations?: readonly string[]
}

/** A check: a function from the project to its findings. */
export interface CheckDef {
  /** What it checks, for debugging. */
  name: string
  /** Only run for `tao check --deploy` (and at `tao start` with debug off). */
  deploy: boolean
  /** False when its concern logs its findings itself at start. Default true. */
  atStart?: boolean
  run: (ctx: CheckContext) => CheckMessage[] | Promise<CheckMessage[]>
}
