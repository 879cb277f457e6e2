import type { AppRegistry } from '../apps/index.js'
import { findModule } from '../apps/discover.js'
import { importAppModule } from '../apps/import-module.js'
import { taoError } from '../errors/index.js'
import { resolveAdmin, type ResolvedAdmin } from './model-admin.js'
import { isModelAdmin } from './register.js'
import type { ModelAdmin } from './types.js'

/** The admin's options, from settings.admin. */
export interface AdminOptions {
  readonly prefix: string
  readonly siteTitle: string
  readonly perPage: number
}

/** The apps and models the admin serves, in app order; built once at boot. */
export interface AdminSite {
  readonly options: AdminOptions
  readonly models: ReadonlyMap<string, ResolvedAdmin>
  readonly apps: readonly { readonly name: string, readonly label: string, readonly models: readonly ResolvedAdmin[] }[]
  /** The registration of `app`/`key`, or undefined. */
  find (app: string, key: string): ResolvedAdmin | undefined
}

async function importAdmin (file: string): Promise<ModelAdmin[]> {
  const mod = await importAppModule(file)
  const found: ModelAdmin[] = []
  for (const [name, value] of Object.entries(mod)) {
    const list = Array.isArray(value) ? value : [value]
    for (const item of list) {
      if (isModelAdmin(item)) found.push(item)
      else if (name === 'default') throw taoError('TAO_ERR_ADMIN_REGISTRATION_INVALID', [file, 'its default export must be a list of registerAdmin(...) results'], { file })
    }
  }
  return found
}

/**
 * Builds the admin site: 1. import every app's admin.ts (in parallel); 2. resolve each
 * registration against its model (unknown fields fail here); 3. reject a model registered
 * twice; 4. group by app, in the registry's app order.
 * @throws TAO_ERR_ADMIN_REGISTRATION_INVALID, TAO_ERR_APP_IMPORT
 */
export async function buildAdminSite (registry: AppRegistry, options: AdminOptions): Promise<AdminSite> {
  const files = registry.apps.map((a) => findModule(a.modulesDir, 'admin'))
  const imported = await Promise.all(files.map((f) => (f === null ? [] : importAdmin(f))))
  const models = new Map<string, ResolvedAdmin>()
  imported.forEach((regs, i) => {
    for (const reg of regs) {
      const resolved = resolveAdmin(reg, files[i]!)
      if (models.has(reg.model.name)) throw taoError('TAO_ERR_ADMIN_REGISTRATION_INVALID', [files[i]!, `the model '${reg.model.name}' is registered twice`], { file: files[i]! })
      models.set(reg.model.name, resolved)
    }
  })
  const apps = registry.names()
    .map((name) => ({ name, label: name.charAt(0).toUpperCase() + name.slice(1), models: [...models.values()].filter((m) => m.app === name) }))
    .filter((a) => a.models.length > 0)
  return Object.freeze({
    options: Object.freeze({ ...options }),
    models,
    apps: Object.freeze(apps),
    find: (app: string, key: string) => models.get(`${app}:${key}`),
  })
}
