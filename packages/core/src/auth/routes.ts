import { route } from '../routing/route.js'
import { loginRequired } from './guards.js'
import { loginPage, loginSubmit, logout, logoutEverywhere } from './views/login.js'
import { passwordChangeDone, passwordChangePage, passwordChangeSubmit } from './views/password-change.js'
import { noReferrer, resetComplete, resetConfirmPage, resetConfirmSubmit, resetPage, resetSent, resetSubmit } from './views/password-reset.js'

/**
 * The routes of the built-in app `auth`, handed to the app registry like a project's
 * routes.ts (apps/discover.ts names this folder as the app's modules folder). Its prefix comes
 * from settings.auth.prefix ('/accounts').
 */
export default [
  route('GET', '/login/', loginPage, 'login'),
  route('POST', '/login/', loginSubmit, 'login_submit'),
  route('POST', '/logout/', logout, 'logout'),
  route('POST', '/logout/everywhere/', logoutEverywhere, 'logout_everywhere'),
  route('GET', '/password/change/', passwordChangePage, { name: 'password_change', preHandler: loginRequired }),
  route('POST', '/password/change/', passwordChangeSubmit, { name: 'password_change_submit', preHandler: loginRequired }),
  route('GET', '/password/change/done/', passwordChangeDone, { name: 'password_change_done', preHandler: loginRequired }),
  route('GET', '/password/reset/', resetPage, 'password_reset'),
  route('POST', '/password/reset/', resetSubmit, 'password_reset_submit'),
  route('GET', '/password/reset/sent/', resetSent, 'password_reset_sent'),
  route('GET', '/reset/:uid/:token/', resetConfirmPage, { name: 'password_reset_confirm', onSend: noReferrer }),
  route('POST', '/reset/:uid/:token/', resetConfirmSubmit, { name: 'password_reset_confirm_submit', onSend: noReferrer }),
  route('GET', '/reset/done/', resetComplete, 'password_reset_complete'),
]
