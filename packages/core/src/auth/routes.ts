import { route } from '../routing/route.js'
import { loginPage, loginSubmit, logout, logoutEverywhere } from './views/login.js'

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
]
