import { route, ws } from '@tao/core'
import * as views from './views.js'

export const prefix = '/pipeline'

export default [
  route('GET', '/', views.index, 'index'),
  ws('/socket', views.socket, 'socket'),
]
