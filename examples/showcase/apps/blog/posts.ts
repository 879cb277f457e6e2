import type { Db } from '@tao/core'

export interface Post {
  slug: string
  title: string
  body: string
  at: Date
}

export interface Draft {
  title: string
  body: string
}

export const posts = (db: Db) => db.collection<Post>('posts')

/** 'Hello, World!' → 'hello-world'. Empty when the title has no letters or digits. */
export function slugify (title: string): string {
  return title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60)
}

/** Reads the submitted form: a field sent twice (an array) or missing counts as empty. */
export function readDraft (body: unknown): Draft {
  const form = (body ?? {}) as Record<string, unknown>
  const text = (value: unknown) => typeof value === 'string' ? value.trim() : ''
  return { title: text(form.title), body: text(form.body) }
}

/** What is wrong with a draft, by field; empty when it can be saved. */
export function validate (draft: Draft): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!draft.title) errors.title = 'A title is required.'
  else if (draft.title.length > 120) errors.title = 'Keep the title under 120 characters.'
  else if (!slugify(draft.title)) errors.title = 'The title needs at least one letter or digit.'
  if (!draft.body) errors.body = 'Write something.'
  else if (draft.body.length > 5000) errors.body = 'Keep the post under 5000 characters.'
  return errors
}
