import type { Reply, Request } from '@tao/core'

export async function index (req: Request, reply: Reply) {
  return reply.render('home:index', { title: req.t('home:Welcome to the tao showcase'), today: new Date() })
}
