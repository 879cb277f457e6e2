export { staticPlugin, type StaticPluginOptions } from './plugin.js'
export { StaticFiles, PROJECT_COMPONENT, encodePath, type StaticComponent, type ServedFile, type LocatedFile } from './files.js'
export { collectStatic, collectStaticFiles, MANIFEST, type CollectResult, type CollectStaticOptions } from './collect.js'
