import { defineModel, Type, type ModelDocument } from '@tao/core'

export const Post = defineModel('blog:posts', {
  collection: 'posts',
  schema: Type.Object({
    _id: Type.Optional(Type.ObjectId()),
    slug: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 60 }),
    title: Type.String({ minLength: 1, maxLength: 120 }),
    body: Type.String({ minLength: 1, maxLength: 5000 }),
    at: Type.Date(),
  }),
  indexes: [{ key: { slug: 1 }, unique: true }, { key: { at: -1 } }],
})
export type PostDocument = ModelDocument<typeof Post>

/** 'Hello, World!' → 'hello-world'. Empty when the title has no letters or digits. */
export function slugify (title: string): string {
  return title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '')
}
