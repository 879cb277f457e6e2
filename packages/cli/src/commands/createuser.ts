import type { Command } from 'commander'
import { createUser, taoError, validatePassword } from '@tao/core'
import { loadProject } from '../project.js'
import { ask, newPassword } from '../prompt.js'

interface CreateUserOptions {
  superuser?: boolean
  staff?: boolean
  username?: string
  email?: string
  passwordStdin?: boolean
}

/** `tao createuser [--superuser] [--username U --email E --password-stdin]`. */
export function registerCreateUser (program: Command): void {
  program.command('createuser')
    .description('create a user of the auth app (asks on a terminal; the password is never echoed)')
    .option('--superuser', 'a superuser (staff, with every permission)')
    .option('--staff', 'a staff user (may use the admin)')
    .option('--username <name>', 'the username')
    .option('--email <address>', 'the email address')
    .option('--password-stdin', 'read the password from standard input (for scripts)')
    .addHelpText('after', '\nExample: printf %s "$PASSWORD" | tao createuser --superuser --username admin --email admin@example.com --password-stdin')
    .action(async (opts: CreateUserOptions) => {
      const interactive = process.stdin.isTTY === true && opts.passwordStdin !== true
      const username = opts.username ?? (interactive ? await ask('Username: ') : '')
      if (username === '') throw taoError('TAO_ERR_CLI_INVALID_OPTION', ['--username', '', 'a username'])
      const email = opts.email ?? (interactive ? await ask('Email address (optional): ') : '')
      const password = await newPassword(opts.passwordStdin)
      const { app } = await loadProject({ settings: { logLevel: 'silent' } })
      try {
        await app.ready()
        const problems = validatePassword(app, password, { username, email })
        if (problems.length > 0) throw taoError('TAO_ERR_AUTH_PASSWORD_INVALID', [problems])
        const superuser = opts.superuser === true
        await createUser(app, { username, email, password, isSuperuser: superuser, isStaff: superuser || opts.staff === true })
        process.stdout.write(`${superuser ? 'Superuser' : 'User'} '${username}' created.\n`)
      } finally {
        await app.close()
      }
    })
}
