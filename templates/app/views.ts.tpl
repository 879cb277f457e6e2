import type { Reply, Request } from '@tao/core'

export async function index (_req: Request, reply: Reply) {
  return reply.type('text/html; charset=utf-8').send('<!doctype html><title>%app_name%</title><h1>%app_name%</h1><p>The %app_name% app is working.</p>')
}
