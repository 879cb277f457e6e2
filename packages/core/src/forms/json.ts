import type { FastifyInstance, FastifyRequest } from 'fastify'
import { taoError } from '../errors/index.js'

/**
 * Replaces Fastify's JSON body parser in the pages context by one that decodes UTF-8 strictly:
 * invalid bytes are a 400 (TAO_ERR_FORM_MALFORMED), not silently turned into U+FFFD as
 * Buffer#toString does. Parsing is then Fastify's own (secure-json-parse refusing `__proto__`
 * and `constructor.prototype`), within server.bodyLimit.
 */
export function useStrictJson (fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error')
  // Without the `stream` option decode() keeps no state: one decoder serves every request.
  const decoder = new TextDecoder('utf-8', { fatal: true })
  fastify.removeContentTypeParser('application/json')
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, function strictJson (req: FastifyRequest, body: Buffer, done) {
    let text: string
    try {
      text = decoder.decode(body)
    } catch {
      done(taoError('TAO_ERR_FORM_MALFORMED', ['the JSON body is not valid UTF-8']), undefined)
      return
    }
    parse(req, text, done)
  })
}
