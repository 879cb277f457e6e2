export { sendMail, type Mail, type MailRuntime } from './send-mail.js'
export { buildMailBackend, mailUrl, redactUrl, type MailBackend } from './transport.js'
export { outbox, type OutboxMail } from './outbox.js'
export { installMail } from './install.js'
