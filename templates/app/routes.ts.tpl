import { route } from '@tao/core'
import * as views from './views.js'

// Every route of this app lives under this prefix (settings.prefixes can change it).
export const prefix = '/%app_name%'

export default [
  route('GET', '/', views.index, 'index'),
]
