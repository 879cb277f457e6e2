import { createRequire } from 'node:module'
import type { IntlMessageFormat } from 'intl-messageformat'

const require = createRequire(import.meta.url)
let cls: typeof IntlMessageFormat | undefined

/**
 * intl-messageformat's class, required (CommonJS) the first time a message is compiled: a
 * project without catalogs never loads it, so neither does its boot.
 */
export function messageFormatClass (): typeof IntlMessageFormat {
  cls ??= (require('intl-messageformat') as typeof import('intl-messageformat')).IntlMessageFormat
  return cls
}
