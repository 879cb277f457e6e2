export type { AppConfig, AppOrigin } from './app.js'
export { discoverApps, findModule, builtinAppsDir, BUILTIN_APPS, RESERVED_APP_NAMES, type AppCandidate, type BuiltinApp } from './discover.js'
export { loadApps, AppRegistry, type RouteRecord } from './registry.js'
export { importFile, importAppModule, useBundledModules, builtinAppModules, appModuleFiles, runningBundled } from './import-module.js'
