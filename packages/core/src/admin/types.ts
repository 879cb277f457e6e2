import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Model } from '../models/index.js'

/** A model the admin serves: any model made by `defineModel()` (see docs/reference/models.md). */
export type AdminModel = Model

/** The four permissions of a model (Django's): `<app>.<action>_<model>`. */
export type AdminPermission = 'view' | 'add' | 'change' | 'delete'

/** What an action function receives. */
export interface AdminActionContext {
  req: FastifyRequest
  reply: FastifyReply
  /** The model's registration. */
  admin: ModelAdmin
  /** The selected documents (read fresh from the database). */
  docs: Record<string, unknown>[]
}

/** A custom action: run on the rows ticked in the list (bulk) and/or from a document's page (row). */
export interface AdminAction {
  /** Identifier posted by the form: letters, digits, '_'. */
  name: string
  /** What the button or menu says. */
  label: string
  /** The permission needed to run it (default 'change'). */
  permission?: AdminPermission
  /** Where it is offered: the list's bulk menu, each document's page, or both (default 'both'). */
  scope?: 'bulk' | 'row' | 'both'
  /**
   * Does the work; may return a message shown to the user. Each run is written to the audit log
   * with the documents it was given.
   */
  run: (ctx: AdminActionContext) => unknown
}

/** Options of {@link registerAdmin}: how one model appears in the admin. */
export interface ModelAdminOptions {
  /** Singular and plural names (default: from the model key). */
  label?: string
  labelPlural?: string
  /** Columns of the list page (default: the first four scalar fields). */
  list?: string[]
  /** Fields searched by the search box (a case-insensitive substring match on each). */
  search?: string[]
  /** Fields offered as filters: booleans, enums, dates (by range) and references. */
  filters?: string[]
  /** Default ordering: field names, '-' for descending (default '-_id'). */
  ordering?: string | string[]
  /** Fields shown but not editable in the change form. */
  readonly?: string[]
  /** Fields of the add/change form, in order (default: every schema field but _id). */
  fields?: string[]
  /** Reference fields (ObjectId of another model) where the schema does not say: field -> model name. */
  references?: Record<string, string>
  /** Custom actions (besides the built-in 'delete selected'). */
  actions?: AdminAction[]
  /** The text naming a document in lists, links and the log (default: title, name, username, else the id). */
  display?: (doc: Record<string, unknown>) => string
  /** Rows per list page (default settings.admin.perPage). */
  perPage?: number
}

/** One model's registration, made by {@link registerAdmin}; frozen. */
export interface ModelAdmin {
  readonly model: AdminModel
  readonly options: Readonly<ModelAdminOptions>
}
