import type { Reply, Request } from '@tao/core'

export async function index (_req: Request, reply: Reply) {
  return reply.type('text/html; charset=utf-8').send('<!doctype html><title>%project_name%</title><h1>Welcome to %project_name%</h1><p>Your tao project is running.</p>')
}
