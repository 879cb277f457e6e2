import { route } from '../routing/route.js'
import type { RouteDef } from '../routing/types.js'
import { staffRequired } from '../auth/guards.js'
import { bulkActionView, rowActionView } from './views/action-view.js'
import { deleteView } from './views/delete-view.js'
import { addView, changeView } from './views/edit-view.js'
import { historyView } from './views/history-view.js'
import { indexView } from './views/index-view.js'
import { listView } from './views/list-view.js'
import { rawCollectionsView, rawDocumentView, rawListView } from './views/raw-views.js'

/**
 * The admin's routes (app `admin`, under settings.admin.prefix). Every one of them runs the
 * auth app's staffRequired guard first (anonymous: to the login page; not staff: 403); each view then checks the model permission it needs.
 */
export const adminRoutes: RouteDef[] = [
  route('GET', '/', indexView, { name: 'index', preHandler: staffRequired }),
  route('GET', '/_raw/', rawCollectionsView, { name: 'raw', preHandler: staffRequired }),
  route('GET', '/_raw/:collection/', rawListView, { name: 'raw_list', preHandler: staffRequired }),
  route(['GET', 'POST'], '/_raw/:collection/:id', rawDocumentView, { name: 'raw_document', preHandler: staffRequired }),
  route('GET', '/:app/:model/', listView, { name: 'list', preHandler: staffRequired }),
  route('POST', '/:app/:model/', bulkActionView, { name: 'bulk_action', preHandler: staffRequired }),
  route(['GET', 'POST'], '/:app/:model/add', addView, { name: 'add', preHandler: staffRequired }),
  route(['GET', 'POST'], '/:app/:model/:id/change', changeView, { name: 'change', preHandler: staffRequired }),
  route('POST', '/:app/:model/:id/action', rowActionView, { name: 'row_action', preHandler: staffRequired }),
  route(['GET', 'POST'], '/:app/:model/:id/delete', deleteView, { name: 'delete', preHandler: staffRequired }),
  route('GET', '/:app/:model/:id/history', historyView, { name: 'history', preHandler: staffRequired }),
]

/** The routes module of the built-in app `admin` (discovered like an app's routes.ts). */
export default adminRoutes
