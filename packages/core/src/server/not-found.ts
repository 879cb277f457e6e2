import { taoError, type TaoError } from '../errors/index.js'

/**
 * The 404 of a view, like Django's Http404: throw it when the route matched but what the URL
 * names does not exist. tao answers as for an unknown URL: the project's `404.html` (or the
 * built-in page), or JSON when the client asks for it, with `message` shown to the visitor.
 * @example
 * const post = await req.db.collection('posts').findOne({ slug: req.params.slug })
 * if (post === null) throw notFound(`There is no post '${req.params.slug}'.`)
 */
export function notFound (message = 'This page does not exist.'): TaoError {
  return taoError('TAO_ERR_PAGE_NOT_FOUND', [message])
}
