import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AppRegistry } from '../apps/index.js'
import type { Settings } from '../settings/index.js'
import { kAdminSite } from '../symbols.js'
import { buildAdminSite } from './site.js'

/** Options of {@link adminPlugin}. */
export interface AdminPluginOptions {
  settings: Settings
  registry: AppRegistry
}

/**
 * `tao:admin` (root context, only when settings.admin is on): builds the admin site once at
 * boot, importing every app's admin.ts, and decorates the server with it. The admin's routes
 * are ordinary routes of the built-in app `admin` (src/admin/routes.ts).
 */
async function admin (fastify: FastifyInstance, opts: AdminPluginOptions): Promise<void> {
  const { prefix, siteTitle, perPage } = opts.settings.admin
  fastify.decorate(kAdminSite, await buildAdminSite(opts.registry, { prefix, siteTitle, perPage }))
}

export const adminPlugin = fp(admin, { name: 'tao:admin', fastify: '5.x' })
