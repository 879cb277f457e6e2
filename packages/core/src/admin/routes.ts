import { route } from '../routing/route.js'
import type { RouteDef } from '../routing/types.js'
import { adminGate } from './permissions.js'
import { bulkActionView, rowActionView } from './views/action-view.js'
import { deleteView } from './views/delete-view.js'
import { addView, changeView } from './views/edit-view.js'
import { historyView } from './views/history-view.js'
import { indexView } from './views/index-view.js'
import { listView } from './views/list-view.js'
import { rawCollectionsView, rawDocumentView, rawListView } from './views/raw-views.js'

/**
 * The admin's routes (app `admin`, under settings.admin.prefix). Every one of them runs the
 * admin gate first (active staff only); each view then checks the model permission it needs.
 */
export const adminRoutes: readonly RouteDef[] = [
  route('GET', '/', indexView, { name: 'index', preHandler: adminGate }),
  route('GET', '/_raw/', rawCollectionsView, { name: 'raw', preHandler: adminGate }),
  route('GET', '/_raw/:collection/', rawListView, { name: 'raw_list', preHandler: adminGate }),
  route(['GET', 'POST'], '/_raw/:collection/:id', rawDocumentView, { name: 'raw_document', preHandler: adminGate }),
  route('GET', '/:app/:model/', listView, { name: 'list', preHandler: adminGate }),
  route('POST', '/:app/:model/', bulkActionView, { name: 'bulk_action', preHandler: adminGate }),
  route(['GET', 'POST'], '/:app/:model/add', addView, { name: 'add', preHandler: adminGate }),
  route(['GET', 'POST'], '/:app/:model/:id/change', changeView, { name: 'change', preHandler: adminGate }),
  route('POST', '/:app/:model/:id/action', rowActionView, { name: 'row_action', preHandler: adminGate }),
  route(['GET', 'POST'], '/:app/:model/:id/delete', deleteView, { name: 'delete', preHandler: adminGate }),
  route('GET', '/:app/:model/:id/history', historyView, { name: 'history', preHandler: adminGate }),
]
