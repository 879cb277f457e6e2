import type { RouteDef } from '../routing/types.js'

/** Where an app comes from. */
export type AppOrigin = 'project' | 'builtin' | 'package'

/** One app of a project, as found at boot. Frozen; the request path only reads it. */
export interface AppConfig {
  /** The app label used in names: 'blog' in 'blog:index'. */
  readonly name: string
  readonly origin: AppOrigin
  /** Human description of where it was found, for error messages: 'apps/blog', "package '@acme/blog'". */
  readonly source: string
  /** Folder holding templates/ and static/. */
  readonly dir: string
  /** Folder holding its modules (routes, services): `dir`, or its compiled twin after `tao build`. */
  readonly modulesDir: string
  /** URL prefix of its routes ('' for none). */
  readonly prefix: string
  readonly routesFile: string | null
  readonly routes: readonly RouteDef[]
}
