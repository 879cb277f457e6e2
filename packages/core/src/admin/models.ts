import { defineLazyModel } from '../models/define-model.js'
import { Type } from '../models/schema-types.js'

/**
 * The admin's audit log (collection `admin_log`): one document per add, change, delete and
 * action, written by the admin's views (see audit.ts). A model like any other, so `tao models`,
 * migrations and the raw browser see it.
 */
export const AdminLog = defineLazyModel('admin:log', {
  collection: 'admin_log',
  schema: () => Type.Object({
    _id: Type.Optional(Type.ObjectId()),
    at: Type.Date(),
    user: Type.Object({ id: Type.Union([Type.ObjectId(), Type.Null()]), username: Type.String() }),
    action: Type.String({ minLength: 1 }),
    model: Type.String({ minLength: 1 }),
    docId: Type.String(),
    label: Type.String(),
    fields: Type.Array(Type.String()),
    message: Type.Optional(Type.String()),
  }),
  indexes: [
    { key: { at: -1, _id: -1 }, name: 'at' },
    { key: { model: 1, docId: 1, at: -1 }, name: 'document' },
  ],
})
