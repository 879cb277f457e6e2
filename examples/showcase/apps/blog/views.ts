import { notFound, type Handler, type Reply, type Request } from '@tao/core'
import { posts, readDraft, slugify, validate, type Draft } from './posts.js'

export async function index (req: Request, reply: Reply) {
  const list = await posts(req.db).find().sort({ at: -1 }).limit(50).toArray()
  return reply.render('blog:index', { posts: list })
}

export const detail: Handler<'/post/:slug'> = async (req, reply) => {
  const post = await posts(req.db).findOne({ slug: req.params.slug })
  // tao's not-found page (the project's templates/404.html), with this message.
  if (!post) throw notFound(`There is no post '${req.params.slug}'.`)
  return reply.render('blog:detail', { post })
}

export async function form (_req: Request, reply: Reply) {
  return reply.render('blog:form', { draft: { title: '', body: '' }, errors: {} })
}

function invalid (reply: Reply, draft: Draft, errors: Record<string, string>) {
  return reply.code(422).render('blog:form', { draft, errors })
}

export async function create (req: Request, reply: Reply) {
  const draft = readDraft(req.body)
  const errors = validate(draft)
  if (Object.keys(errors).length > 0) return invalid(reply, draft, errors)
  const slug = slugify(draft.title)
  if (await posts(req.db).findOne({ slug })) {
    return invalid(reply, draft, { title: 'A post with this title exists already.' })
  }
  await posts(req.db).insertOne({ slug, ...draft, at: new Date() })
  req.flash('success', `Published “${draft.title}”.`)
  return reply.redirectTo('blog:post', { slug })
}
