import { adminRoutes } from '../admin/routes.js'
import { taoError } from '../errors/index.js'
import type { RouteDef } from '../routing/types.js'
import type { Settings } from '../settings/index.js'

/** A built-in app other than `tao`: turned on by a setting, its routes declared in src/. */
export interface BuiltinApp {
  /** True when settings turn the app on; may throw a TaoError for an impossible combination. */
  enabled (settings: Settings): boolean
  routes: readonly RouteDef[]
  prefix (settings: Settings): string
}

/** The built-in apps turned on by settings (`tao`, the toolbar, is always there). */
export const BUILTIN_APPS: Readonly<Record<string, BuiltinApp>> = {
  admin: {
    enabled (settings) {
      if (settings.admin === false) return false
      // Until the auth app's setting exists in this build, only an explicit auth: false is refused.
      if ('auth' in settings && !(settings as { auth?: unknown }).auth) throw taoError('TAO_ERR_ADMIN_REQUIRES_AUTH', [])
      return true
    },
    routes: adminRoutes,
    prefix: (settings) => (settings.admin === false ? '/admin' : settings.admin.prefix),
  },
}
