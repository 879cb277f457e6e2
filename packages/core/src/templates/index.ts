export { templatesPlugin, type TemplatesPluginOptions } from './plugin.js'
export { TemplateEngine, markSafe, type SafeString, type TemplateEngineOptions } from './engine.js'
export { TemplateLoader, type TemplateSource } from './loader.js'
export {
  addTemplateGlobal, addTemplateContext, TemplateGlobals,
  type TemplateContextProvider, type TemplateContextOptions, type TemplateNameOptions,
} from './context.js'
export { buildTemplates } from './build.js'
