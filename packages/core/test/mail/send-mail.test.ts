// sendMail() through each backend: memory (the testing outbox), file (var/mail), console,
// and SMTP against a real smtp-server listening on loopback, with login.
import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { SMTPServer } from 'smtp-server'
import { isTaoError, sendMail } from '@tao/core'
import { createTestApp, outbox } from '@tao/core/testing'
import { fixture } from '../helpers/fixtures.js'

test('memory: the outbox keeps the message; HTML rendered from a tao template', async () => {
  const app = await createTestApp({ root: fixture('auth-site') })
  after(() => app.close())
  outbox.length = 0
  await sendMail(app, { to: 'ann@example.com', subject: 'Hi', template: 'site:email/welcome', context: { name: '<Ann>' }, text: 'Welcome' })
  assert.equal(outbox.length, 1)
  const mail = outbox[0]!
  assert.deepEqual(mail.to, ['ann@example.com'])
  assert.equal(mail.from, 'webmaster@localhost')
  assert.match(mail.html!, /Welcome, &lt;Ann&gt;! <a href="\/">/)
  assert.match(mail.raw, /^Subject: Hi$/m)
  assert.match(mail.raw, /Content-Type: text\/html/)
})

test('bad mails are refused with a clear error, before any backend', async () => {
  const app = await createTestApp({ root: fixture('auth-site') })
  after(() => app.close())
  const refused = async (mail: object, reason: RegExp) => assert.rejects(sendMail(app, mail as never),
    (err: unknown) => isTaoError(err) && err.code === 'TAO_ERR_MAIL_INVALID' && reason.test(err.message))
  await refused({ subject: 's', text: 't' }, /no recipient/)
  await refused({ to: 'a@b', text: 't' }, /no subject/)
  await refused({ to: 'a@b', subject: 's' }, /no body/)
  await refused({ to: 'a@b', subject: 'x\r\nBcc: victim@example.com', text: 't' }, /line break/)
})

test('file: one .eml per mail under mail.dir', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tao-mail-'))
  after(() => rm(dir, { recursive: true, force: true }))
  const app = await createTestApp({ root: fixture('auth-site'), settings: { mail: { url: 'file', dir } } })
  after(() => app.close())
  await sendMail(app, { to: 'ann@example.com', subject: 'Filed', text: 'body text' })
  const files = await readdir(dir)
  assert.equal(files.length, 1)
  assert.match(files[0]!, /\.eml$/)
  const raw = await readFile(join(dir, files[0]!), 'utf8')
  assert.match(raw, /^Subject: Filed$/m)
  assert.match(raw, /body text/)
})

test('console: the message is printed', async () => {
  const app = await createTestApp({ root: fixture('auth-site'), settings: { mail: { url: 'console' } } })
  after(() => app.close())
  const written: string[] = []
  const write = process.stdout.write
  process.stdout.write = ((chunk: string) => { written.push(String(chunk)); return true }) as typeof process.stdout.write
  try {
    await sendMail(app, { to: 'ann@example.com', subject: 'Printed', text: 'hello console' })
  } finally {
    process.stdout.write = write
  }
  assert.match(written.join(''), /Subject: Printed[\s\S]*hello console/)
})

test('an unknown mail.url stops the boot with a clear error (no password shown)', async () => {
  await assert.rejects(createTestApp({ root: fixture('auth-site'), settings: { mail: { url: 'http://user:secret@x' } } }),
    (err: unknown) => isTaoError(err) && err.code === 'TAO_ERR_MAIL_URL_INVALID' && /http:/.test(err.message) && !err.message.includes('secret'))
})

test('smtp: delivered to a real SMTP server on loopback, with login', async () => {
  const received: Array<{ from: string, to: string[], data: string, user: string }> = []
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth (auth, _session, cb) {
      if (auth.username === 'mailer' && auth.password === 's3cret') cb(null, { user: auth.username })
      else cb(new Error('Invalid username or password'))
    },
    onData (stream, session, cb) {
      let data = ''
      stream.on('data', (c: Buffer) => { data += c.toString() })
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data, user: String(session.user) })
        cb()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  // The apps first: each holds a pooled SMTP connection until it closes, and the server's
  // close waits for its clients (up to 30 s).
  const apps: Array<{ close: () => Promise<unknown> }> = []
  after(async () => {
    for (const a of apps) await a.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const port = (server.server.address() as { port: number }).port
  const app = await createTestApp({ root: fixture('auth-site'), settings: { mail: { url: `smtp://mailer:s3cret@127.0.0.1:${port}`, from: 'site@example.com' } } })
  apps.push(app)
  await sendMail(app, { to: ['ann@example.com', 'bob@example.com'], subject: 'Over SMTP', text: 'on the wire', template: 'site:email/welcome', context: { name: 'Ann' } })
  assert.equal(received.length, 1)
  assert.equal(received[0]!.user, 'mailer')
  assert.equal(received[0]!.from, 'site@example.com')
  assert.deepEqual(received[0]!.to, ['ann@example.com', 'bob@example.com'])
  assert.match(received[0]!.data, /Subject: Over SMTP/)
  assert.match(received[0]!.data, /on the wire/)
  assert.match(received[0]!.data, /Welcome, Ann!/)

  const bad = await createTestApp({ root: fixture('auth-site'), settings: { mail: { url: `smtp://mailer:wrong@127.0.0.1:${port}` } } })
  apps.push(bad)
  await assert.rejects(sendMail(bad, { to: 'a@example.com', subject: 's', text: 't' }),
    (err: unknown) => isTaoError(err) && err.code === 'TAO_ERR_MAIL_SEND_FAILED' && /smtp/.test(err.message) && !err.message.includes('wrong'))
})
