import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Model } from '../models/index.js'
import type { Settings } from '../settings/index.js'
import { kDatabase } from '../symbols.js'
import { syncIndexes } from './indexes.js'

/** Options of {@link modelIndexesPlugin}. */
export interface ModelIndexesOptions {
  settings: Settings
  models: ReadonlyMap<string, Model>
}

/** True when the app creates the models' indexes itself at boot: under debug (`tao dev`) and tests, or when asked. */
export function autoIndexesOn (settings: Settings): boolean {
  const v = settings.migrations.autoIndexes
  return v === 'auto' ? settings.debug : v
}

/**
 * Creates the indexes the models declare once the database is connected, when
 * settings.migrations.autoIndexes allows it (never silently in production: there `tao
 * migrate` does it). Undeclared indexes are only reported.
 */
async function modelIndexes (fastify: FastifyInstance, opts: ModelIndexesOptions): Promise<void> {
  if (!autoIndexesOn(opts.settings) || opts.models.size === 0) return
  fastify.addHook('onReady', async () => {
    const report = await syncIndexes(fastify[kDatabase].db, opts.models.values())
    for (const name of report.undeclared) fastify.log.warn(`index ${name} is declared by no model; \`tao migrate --prune\` drops it`)
  })
}

export const modelIndexesPlugin = fp(modelIndexes, { name: 'tao:model-indexes', fastify: '5.x', dependencies: ['tao:db'] })
