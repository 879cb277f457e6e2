import { notFound, paginate, type Handler, type Reply, type Request } from '@tao/core'
import { PostForm } from './forms.js'
import { Post, slugify } from './models.js'

export async function index (req: Request, reply: Reply) {
  // ?page=2 …; a page that is not a number is a 400, one past the last a 404.
  const page = await paginate(Post.of(req), {}, { request: req, perPage: 10, sort: { at: -1 } })
  return reply.render('blog:index', { page })
}

export const detail: Handler<'/post/:slug'> = async (req, reply) => {
  const post = await Post.of(req).findOne({ slug: req.params.slug })
  // tao's not-found page (the project's templates/404.html), with this message.
  if (!post) throw notFound(`There is no post '${req.params.slug}'.`)
  return reply.render('blog:detail', { post })
}

export async function form (_req: Request, reply: Reply) {
  return reply.render('blog:form', { form: PostForm.bind() })
}

export async function create (req: Request, reply: Reply) {
  let slug = ''
  const result = await PostForm.save(req, async (draft) => {
    slug = slugify(draft.title)
    // The model checks the slug: a title without letters or digits fails here, a taken one
    // at the unique index; both come back as field errors.
    return await Post.of(req).insertOne({ ...draft, slug, at: new Date() })
  })
  if (!result.ok) {
    // The slug is made from the title, so its errors belong beside the title.
    const { slug: slugError, ...errors } = result.errors
    if (slugError) errors.title = slug === '' ? 'The title needs at least one letter or digit.' : 'A post with this title exists already.'
    return reply.code(422).render('blog:form', { form: PostForm.bind(result.values, errors) })
  }
  req.flash('success', `Published “${result.data.title}”.`)
  return reply.redirectTo('blog:post', { slug })
}
