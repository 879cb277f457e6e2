export { defineSettings, type UserSettings, type AppPackageEntry } from './define-settings.js'
export { loadSettings, buildSettings, findSettingsFile, readEnv, envOverrides, type LoadSettingsOptions } from './load.js'
export { type Settings } from './schema.js'
