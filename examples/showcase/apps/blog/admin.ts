import { registerAdmin } from '@tao/core'
import { Post } from './models.js'

// The blog's posts in the admin (/admin/blog/posts/): newest first, searchable, filtered by
// date; the slug (the post's URL) is set when a post is added and then kept.
export default [
  registerAdmin(Post, {
    list: ['title', 'slug', 'at'],
    search: ['title', 'body'],
    filters: ['at'],
    ordering: '-at',
    readonly: ['slug'],
    fields: ['title', 'slug', 'at', 'body'],
  }),
]
