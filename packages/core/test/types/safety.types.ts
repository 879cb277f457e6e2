// Type checks of the request-safety API (compiled by `tsc -p tsconfig.test.json`, not run).
import type { FlashMessage, Reply, Request, UploadedFile } from '@tao/core'
import { consumeMessages, csrfField, csrfToken, route } from '@tao/core'

declare module '@tao/core' {
  interface SessionValues {
    visits?: number
  }
}

export async function view (req: Request, reply: Reply) {
  req.flash('success', 'Saved.')
  // @ts-expect-error an unknown level
  req.flash('shout', 'Saved.')
  // @ts-expect-error the text is a string
  req.flash('info', 42)
  const visits: number | undefined = req.session.get('visits')
  req.session.set('visits', (visits ?? 0) + 1)
  // @ts-expect-error a declared key keeps its type
  req.session.set('visits', 'many')
  req.session.set('anything', { a: 1 })
  const messages: FlashMessage[] = consumeMessages(req)
  const field: string = csrfField(req, reply)
  const token: string = csrfToken(req, reply)
  const file = (req.body as { f?: UploadedFile }).f
  if (file) {
    const saved = await file.save('/tmp')
    const info: [string, string, number, string] = [file.filename, file.type, file.size, saved.path]
    return { info, messages, field, token, stream: file.stream() }
  }
}

export const routes = [
  route('POST', '/api', view, { name: 'api', csrf: false }),
  // @ts-expect-error csrf is a boolean
  route('POST', '/api2', view, { name: 'api2', csrf: 'no' }),
]
