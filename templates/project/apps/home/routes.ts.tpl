import { route } from '@tao/core'
import * as views from './views.js'

// The home app answers at the site root. Until a route here (or in another app) answers
// GET '/', tao shows its welcome page there: uncomment the line below to show yours instead.
export const prefix = ''

export default [
  // route('GET', '/', views.index, 'index'),
  route('GET', '/about', views.about, 'about'),
]
