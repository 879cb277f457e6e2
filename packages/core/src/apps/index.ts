export type { AppConfig, AppOrigin } from './app.js'
export { discoverApps, findModule, builtinAppsDir, RESERVED_APP_NAMES, type AppCandidate } from './discover.js'
export { loadApps, AppRegistry, type RouteRecord } from './registry.js'
