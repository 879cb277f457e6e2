import { findModule } from '../apps/discover.js'
import { importAppModule } from '../apps/import-module.js'
import type { AppRegistry } from '../apps/index.js'
import { taoError } from '../errors/index.js'
import type { ServiceRecord } from './runner.js'
import { isServiceDef } from './service.js'

/**
 * Imports every app's services module (apps/<app>/services.ts), in app order, and names each
 * service 'app:name'.
 * @throws TAO_ERR_APP_IMPORT, TAO_ERR_SERVICE_INVALID (no array, or an item not made by
 *   service()/periodic()), TAO_ERR_SERVICE_DUPLICATE
 */
export async function loadServices (registry: AppRegistry): Promise<ServiceRecord[]> {
  const perApp = await Promise.all(registry.apps.map(async (app) => {
    const file = findModule(app.modulesDir, 'services')
    if (!file) return []
    const list = (await importAppModule(file)).default
    if (!Array.isArray(list)) {
      throw taoError('TAO_ERR_SERVICE_INVALID', [file, `its default export is ${list === undefined ? 'missing' : typeof list}, not an array of services`], { file, app: app.name })
    }
    const seen = new Set<string>()
    return list.map((def: unknown, i): ServiceRecord => {
      if (!isServiceDef(def)) {
        throw taoError('TAO_ERR_SERVICE_INVALID', [file, `item ${i} of the default export is not made by service() or periodic()`], { file, app: app.name })
      }
      const name = `${app.name}:${def.name}`
      if (seen.has(def.name)) throw taoError('TAO_ERR_SERVICE_DUPLICATE', [name, file], { file, app: app.name })
      seen.add(def.name)
      return Object.freeze({ name, app: app.name, file, def })
    })
  }))
  return perApp.flat()
}
