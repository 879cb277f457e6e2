import type { FastifyReply, FastifyRequest } from 'fastify'
import { recentActions } from '../audit.js'
import { can } from '../permissions.js'
import { navigation, renderAdmin, siteOf } from './common.js'
import { entryView } from './log-view.js'

/** The admin's home: the apps and models the user may use, and the latest actions on them. */
export async function indexView (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const visible = [...siteOf(req).models.values()].filter((m) => can(req, m, 'view')).map((m) => m.model.name)
  const superuser = req.user.isSuperuser
  const recent = await recentActions(req.db, 15, superuser ? undefined : visible)
  const site = siteOf(req)
  return renderAdmin(req, reply, 'index', { title: 'Site administration', apps: navigation(req), recent: recent.map((e) => entryView(site, reply, e)) })
}
