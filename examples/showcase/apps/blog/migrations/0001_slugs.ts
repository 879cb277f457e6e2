import type { Db } from '@tao/core'
import { slugify } from '../models.js'

/** Posts written before slugs existed get one from their title. */
export async function up (db: Db): Promise<void> {
  const posts = db.collection('posts')
  for await (const post of posts.find({ slug: { $exists: false } })) {
    await posts.updateOne({ _id: post._id }, { $set: { slug: slugify(String(post.title)) || String(post._id) } })
  }
}
