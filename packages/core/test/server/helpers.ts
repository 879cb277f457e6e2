import { createApp, type CreateAppOptions, type TaoApp } from '@tao/core'
import { fixture } from '../process/helpers.js'

/** The app of the `process` fixture in this process: logging silenced, no services unless asked. */
export async function processApp (opts: CreateAppOptions = {}): Promise<TaoApp> {
  return await createApp({
    root: fixture('process'),
    env: {},
    ...opts,
    settings: { logLevel: 'silent', ...opts.settings, services: { enabled: false, ...opts.settings?.services } },
  })
}
