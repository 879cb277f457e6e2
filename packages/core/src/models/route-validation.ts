import type { FastifySchemaValidationError, SchemaErrorDataVar } from 'fastify/types/schema.js'
import { taoError, type TaoError } from '../errors/index.js'
import { sentenceOf } from './messages.js'

const PARTS: Record<string, string> = { querystring: 'query string', params: 'path parameters', body: 'body', headers: 'headers' }

/**
 * Fastify's `schemaErrorFormatter`: a route schema's validation errors as one 400
 * TAO_ERR_ROUTE_VALIDATION naming each bad field with a plain sentence, in `details.fields`
 * (`{ 'query.page': 'Enter a whole number.' }`).
 */
export function formatRouteValidation (errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): TaoError {
  const fields: Record<string, string> = {}
  for (const err of errors) {
    const p = err.params as Record<string, unknown>
    const child = err.keyword === 'required' ? p.missingProperty : err.keyword === 'additionalProperties' ? p.additionalProperty : undefined
    const path = [...err.instancePath.split('/').slice(1), ...(typeof child === 'string' ? [child] : [])].join('.')
    const key = path === '' ? dataVar : `${dataVar === 'querystring' ? 'query' : dataVar}.${path}`
    fields[key] ??= sentenceOf(err as Parameters<typeof sentenceOf>[0])
  }
  return taoError('TAO_ERR_ROUTE_VALIDATION', [PARTS[dataVar] ?? dataVar, fields], { fields })
}
