import { createRequire } from 'node:module'
import type { Ajv, Options, Plugin } from 'ajv'
import { bsonTypeOf, isBsonValue } from './schema-types.js'

// Ajv and ajv-formats (some 80 modules) are loaded when a model first validates, not at boot:
// Fastify loads its own Ajv only when a route has a schema, and addTaoKeywords needs none.
const require = createRequire(import.meta.url)

/**
 * Teaches an Ajv instance tao's keywords: `taoType` (an ObjectId or Date instance) and
 * `errorMessage` (an annotation: the sentence a field shows instead of the default). Also
 * given to Fastify's own Ajv, so route schemas may use `Type.ObjectId()` or `errorMessage`.
 */
export function addTaoKeywords (ajv: Ajv): Ajv {
  ajv.addKeyword({
    keyword: 'taoType',
    schemaType: 'string',
    errors: false,
    validate: (type: string, data: unknown) => {
      const t = bsonTypeOf({ taoType: type })
      return t !== undefined && isBsonValue(t, data)
    },
  })
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: ['string', 'object'] })
  return ajv
}

function build (options: Options): Ajv {
  // ajv-formats is CommonJS: require() gives the plugin function itself.
  const addFormats = require('ajv-formats') as Plugin<unknown>
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv')
  const ajv = new AjvClass({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false, ...options })
  addFormats(ajv)
  return addTaoKeywords(ajv)
}

let whole: Ajv | undefined
let partial: Ajv | undefined

/**
 * The Ajv for whole documents: fills `default` values (a form's unchecked box, a status
 * left out) into the document it checks. One per process; compiled validators are cached by
 * the schema object, so a model's schema compiles once.
 */
export function wholeAjv (): Ajv {
  whole ??= build({ useDefaults: true })
  return whole
}

/** The Ajv for `$set` values and partial forms: never adds fields that were not given. */
export function partialAjv (): Ajv {
  partial ??= build({ useDefaults: false })
  return partial
}
