import { findModule } from '../apps/discover.js'
import { importAppModule } from '../apps/import-module.js'
import type { AppRegistry } from '../apps/index.js'
import { taoError } from '../errors/index.js'
import { kCompileModel } from '../symbols.js'
import { isModel, type Model } from './define-model.js'

/** The models a module exports: named exports and the items of a default array, each once. */
function modelsOf (mod: Record<string, unknown>): Model[] {
  const found = new Set<Model>()
  for (const [name, value] of Object.entries(mod)) {
    if (name === 'default' && Array.isArray(value)) value.filter(isModel).forEach((m) => found.add(m))
    else if (isModel(value)) found.add(value)
  }
  return [...found]
}

/**
 * Imports every app's models module (apps/<app>/models.ts), in app order, and returns the
 * models keyed by full name ('blog:posts'), frozen.
 * @throws TAO_ERR_APP_IMPORT, TAO_ERR_MODEL_MODULE_INVALID (a model named for another app,
 *   or two models of one name)
 */
export async function loadModels (registry: AppRegistry): Promise<ReadonlyMap<string, Model>> {
  const perApp = await Promise.all(registry.apps.map(async (app) => {
    const file = findModule(app.modulesDir, 'models')
    if (!file) return []
    const models = modelsOf(await importAppModule(file))
    const seen = new Set<string>()
    for (const model of models) {
      if (model.app !== app.name) {
        throw taoError('TAO_ERR_MODEL_MODULE_INVALID', [file, `model '${model.name}' belongs to app '${model.app}', but this file is app '${app.name}'s; name it '${app.name}:${model.key}'`], { file, app: app.name })
      }
      if (seen.has(model.name)) throw taoError('TAO_ERR_MODEL_MODULE_INVALID', [file, `two models are named '${model.name}'`], { file, app: app.name })
      seen.add(model.name)
      // At boot, so that a schema Ajv refuses fails the start, not the first request.
      if (typeof model[kCompileModel] === 'function') model[kCompileModel]()
    }
    return models
  }))
  return new Map(perApp.flat().map((m) => [m.name, m]))
}
