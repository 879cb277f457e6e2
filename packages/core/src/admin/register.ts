import { taoError } from '../errors/index.js'
import type { Document } from 'mongodb'
import type { TSchema } from 'typebox'
import { isModel, type Model } from '../models/index.js'
import { kAdminRegistration } from '../symbols.js'
import type { AdminModel, ModelAdmin, ModelAdminOptions } from './types.js'

/**
 * Registers a model in the admin, from an app's `admin.ts`. Plain data: checked against the
 * model's schema when the admin starts (unknown fields, filters or actions fail at boot).
 * @example
 *   // apps/blog/admin.ts
 *   import { registerAdmin } from '@tao/core'
 *   import { Post } from './models.js'
 *   export default [registerAdmin(Post, { list: ['title', 'published', 'at'], search: ['title'], filters: ['published', 'at'] })]
 * @see docs/reference/admin.md
 */
export function registerAdmin<S extends TSchema, T extends Document> (model: Model<S, T>, options: ModelAdminOptions = {}): ModelAdmin {
  if (!isModel(model)) throw taoError('TAO_ERR_ADMIN_REGISTRATION_INVALID', ['admin.ts', `registerAdmin() got ${model === undefined ? 'undefined (is the model exported?)' : typeof model}, not a model made by defineModel()`])
  // The admin reads any model through the base type: its pages never depend on T.
  const reg = { model: model as unknown as AdminModel, options: Object.freeze({ ...options }) }
  Object.defineProperty(reg, kAdminRegistration, { value: true })
  return Object.freeze(reg)
}

/** True for values made by {@link registerAdmin}. */
export function isModelAdmin (value: unknown): value is ModelAdmin {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kAdminRegistration] === true
}
