import { route } from '@tao/core'
import * as views from './views.js'

export const prefix = '/blog'

export default [
  route('GET', '/', views.index, 'index'),
  route('GET', '/new', views.form, 'new'),
  route('POST', '/new', views.create, 'create'),
  route('GET', '/post/:slug', views.detail, 'post'),
]
