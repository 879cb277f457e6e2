import fastifyCsrfProtection from '@fastify/csrf-protection'
import fastifyFormbody from '@fastify/formbody'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import { taoError } from '../errors/index.js'
import { buildOriginPolicy } from '../security/origins.js'
import type { Settings } from '../settings/index.js'
import { addTemplateContext, markSafe } from '../templates/index.js'
import { buildCsrfCheck, csrfField, csrfToken, csrfTokenOf } from './csrf.js'
import { busboyLimits, discardUploads, maxMultipartBody, MultipartReader, type MultipartLimits, type Uploads } from './multipart.js'
import { useStrictJson } from './json.js'
import { buildUrlencodedParser } from './urlencoded.js'

/** Options of {@link formsPlugin}. */
export interface FormsPluginOptions {
  settings: Settings
}

/** The form limits of these settings (maxParts defaults to maxFields + maxFiles). */
export function formLimits (settings: Pick<Settings, 'forms'>): MultipartLimits {
  const f = settings.forms
  return Object.freeze({
    maxFields: f.maxFields,
    maxFieldSize: f.maxFieldSize,
    maxFileSize: f.maxFileSize,
    maxFiles: f.maxFiles,
    maxParts: f.maxParts ?? f.maxFields + f.maxFiles,
  })
}

const CSRF_SESSION_KEY = '_csrf'

/**
 * Request bodies and CSRF protection, in the pages context (after tao:session):
 *   - application/x-www-form-urlencoded (@fastify/formbody) and JSON (Fastify's own parser,
 *     which refuses `__proto__` and `constructor.prototype`, after a strict UTF-8 decoding),
 *     both within server.bodyLimit;
 *   - `csrf_field()` and `csrf_token()` for templates (@fastify/csrf-protection, its secret in
 *     the session).
 * No hook here: what runs per request, multipart reading and the CSRF check, is in
 * {@link formBodiesPlugin}, which only routes that take a body run.
 */
async function forms (fastify: FastifyInstance, opts: FormsPluginOptions): Promise<void> {
  await fastify.register(fastifyFormbody, { parser: buildUrlencodedParser(formLimits(opts.settings)) })
  useStrictJson(fastify)
  await fastify.register(fastifyCsrfProtection, {
    sessionPlugin: '@fastify/secure-session',
    sessionKey: CSRF_SESSION_KEY,
    getToken: csrfTokenOf,
    logLevel: 'debug',
  })
  // csrf_field() and csrf_token() in templates: a token is made only when a template asks.
  addTemplateContext(fastify, 'csrf_field', (req, reply) => () => markSafe(csrfField(req, reply)), { fallback: () => markSafe(''), owner: 'tao:forms' })
  addTemplateContext(fastify, 'csrf_token', (req, reply) => () => csrfToken(req, reply), { fallback: () => '', owner: 'tao:forms' })
}

/**
 * What routes taking a body run (register it in their own context, inside tao:forms):
 *   - multipart/form-data (@fastify/multipart) read before validation into `req.body`, files as
 *     UploadedFile in temporary files, with the limits of settings.forms;
 *   - the CSRF check on every unsafe method unless the route says `{ csrf: false }`: Origin
 *     (and Referer over HTTPS) against the site and settings.csrf.trustedOrigins, then the token.
 * Over a limit → 413 (too many fields → 400), a file as soon as it passes forms.maxFileSize, a
 * declared Content-Length above {@link maxMultipartBody} before reading; malformed → 400;
 * forged → 403.
 */
async function formBodies (fastify: FastifyInstance, opts: FormsPluginOptions): Promise<void> {
  const limits = formLimits(opts.settings)
  const reader = new MultipartReader(limits)
  const maxBody = maxMultipartBody(limits)
  // @fastify/multipart adds an onRequest and an onResponse hook for every request of its
  // context: one more reason this context holds only the routes that take a body.
  // Imported here: a project whose routes take no body never loads it (nor busboy).
  const { default: fastifyMultipart } = await import('@fastify/multipart')
  await fastify.register(fastifyMultipart, { limits: busboyLimits(limits), throwFileSizeLimit: true })

  const readMultipart = function readMultipart (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    if (!req.isMultipart()) {
      done()
      return
    }
    // A body declared larger than any acceptable form is refused before reading a byte (the
    // error page closes the connection, as the body was not read).
    const declared = Number(req.headers['content-length'])
    if (declared > maxBody) {
      done(taoError('TAO_ERR_FORM_BODY_TOO_LARGE', [declared, maxBody, 'a multipart form (settings.forms)']))
      return
    }
    const uploads: Uploads = { paths: [], files: [] }
    // 'close' comes after the response is sent, or when the client goes away.
    reply.raw.once('close', () => {
      discardUploads(uploads).catch((err: unknown) => req.log.error({ err }, 'could not delete temporary upload files'))
    })
    reader.read(req, uploads).then((body) => {
      req.body = body
      done()
    }, done)
  }
  const checkCsrf = buildCsrfCheck(fastify, CSRF_SESSION_KEY, buildOriginPolicy(opts.settings.csrf.trustedOrigins))
  // Decided once per route at boot: a route that also answers GET keeps its safe methods free
  // of both hooks' work (checkCsrf passes them).
  fastify.addHook('onRoute', (route) => {
    const own = route.preValidation === undefined ? [] : Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation]
    route.preValidation = route.config?.csrf === false ? [readMultipart, ...own] : [readMultipart, checkCsrf, ...own]
  })
  fastify.addHook('onClose', async () => { await reader.close() })
}

export const formsPlugin = fp(forms, { name: 'tao:forms', fastify: '5.x', dependencies: ['tao:session', 'tao:templates'] })
export const formBodiesPlugin = fp(formBodies, { name: 'tao:form-bodies', fastify: '5.x', dependencies: ['tao:forms'] })
