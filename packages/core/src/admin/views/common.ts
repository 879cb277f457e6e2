// What every admin view shares: the site built at boot, the model named by the URL, the
// documents' display values, and the base context of the admin's templates.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { taoError } from '../../errors/index.js'
import { kAdminSite, kReverse } from '../../symbols.js'
import { decodeDocId } from '../doc-id.js'
import { ejsonText } from '../ejson.js'
import type { ResolvedAdmin } from '../model-admin.js'
import { can, permsFor, userOf } from '../permissions.js'
import type { FieldSpec } from '../schema-fields.js'
import type { AdminSite } from '../site.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The admin site (models, options), built at boot when settings.admin is on. */
    [kAdminSite]: AdminSite
  }
}

/** The URL of a named route (the routing concern's reverse map). */
export function urlFor (reply: FastifyReply, name: string, params: Record<string, string>): string {
  return reply.server[kReverse].url(name, params)
}

/** The admin site of the app serving this request. */
export function siteOf (req: FastifyRequest): AdminSite {
  return req.server[kAdminSite]
}

/**
 * The registered model named by the URL's `app` and `model` parameters.
 * @throws TAO_ERR_ADMIN_NOT_FOUND (404)
 */
export function adminOf (req: FastifyRequest): ResolvedAdmin {
  const { app, model } = req.params as { app: string, model: string }
  const found = siteOf(req).find(app, model)
  if (found === undefined) throw taoError('TAO_ERR_ADMIN_NOT_FOUND', ['model', `${app}:${model}`])
  return found
}

/**
 * The document named by the URL's `id`, read from the model's collection.
 * @throws TAO_ERR_ADMIN_NOT_FOUND (404) for a tampered id or a missing document.
 */
export async function documentOf (req: FastifyRequest, admin: ResolvedAdmin): Promise<Record<string, unknown>> {
  const segment = (req.params as { id: string }).id
  const id = decodeDocId(segment, admin.label.toLowerCase())
  const doc = await req.db.collection(admin.model.collectionName).findOne({ _id: id as never })
  if (doc === null) throw taoError('TAO_ERR_ADMIN_NOT_FOUND', [admin.label.toLowerCase(), segment])
  return doc as Record<string, unknown>
}

const pad = (n: number) => String(n).padStart(2, '0')

/** A value as the text of a list cell or a read-only field. */
export function displayValue (spec: FieldSpec, value: unknown): string {
  if (value === undefined || value === null) return '—'
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? 'Invalid date'
      : `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())} ${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}`
  }
  if (spec.kind === 'boolean') return value === true ? 'Yes' : 'No'
  if (typeof value === 'string') return value.length > 120 ? `${value.slice(0, 119)}…` : value
  if (Array.isArray(value) && spec.kind === 'list') return value.map((v) => (v instanceof Date ? displayValue(spec.item!, v) : String(v))).join(', ')
  const text = typeof value === 'object' && '_bsontype' in (value as object) ? String(value) : ejsonText(value)
  return text.length > 120 ? `${text.slice(0, 119)}…` : text
}

/** The apps and models the user may see, with the links the user may follow (nav and index). */
export function navigation (req: FastifyRequest): unknown[] {
  return siteOf(req).apps.map((a) => ({
    name: a.name,
    label: a.label,
    models: a.models.filter((m) => can(req, m, 'view') || can(req, m, 'add') || can(req, m, 'change')).map((m) => ({
      app: m.app, key: m.key, label: m.label, labelPlural: m.labelPlural, perms: permsFor(req, m),
    })),
  })).filter((a) => a.models.length > 0)
}

/** Renders an admin template with the context every admin page has. */
export function renderAdmin (req: FastifyRequest, reply: FastifyReply, template: string, context: Record<string, unknown>): FastifyReply {
  const site = siteOf(req)
  const user = userOf(req)
  return reply.header('cache-control', 'no-store').render(`admin:${template}`, {
    site_title: site.options.siteTitle,
    admin_user: { username: user.username, isSuperuser: user.isSuperuser },
    nav: navigation(req),
    ...context,
  })
}
