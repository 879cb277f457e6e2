import { route } from '@tao/core'
import * as views from './views.js'

// The home app answers at the site root.
export const prefix = ''

export default [
  route('GET', '/', views.index, 'index'),
]
