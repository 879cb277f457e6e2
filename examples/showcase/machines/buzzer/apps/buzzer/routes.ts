import { route, ws } from '@tao/core'
import * as views from './views.js'

export const prefix = '/buzzer'

export default [
  route('GET', '/', views.state, 'state'),
  ws('/socket', views.socket, 'socket'),
]
