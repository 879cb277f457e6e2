import type { Command } from 'commander'
import { setPassword, taoError, users, validatePassword } from '@tao/core'
import { loadProject } from '../project.js'
import { newPassword } from '../prompt.js'

/** `tao changepassword USERNAME [--password-stdin]`: every login of the user ends. */
export function registerChangePassword (program: Command): void {
  program.command('changepassword')
    .description("set a user's password (asked on a terminal, never echoed); the user's logins end")
    .argument('<username>', 'the user')
    .option('--password-stdin', 'read the password from standard input (for scripts)')
    .action(async (username: string, opts: { passwordStdin?: boolean }) => {
      const { app } = await loadProject({ settings: { logLevel: 'silent' } })
      try {
        await app.ready()
        const user = await users(app).findOne({ usernameKey: username.normalize('NFKC').toLowerCase() })
        if (user === null) throw taoError('TAO_ERR_AUTH_USER_NOT_FOUND', [username])
        const password = await newPassword(opts.passwordStdin)
        const problems = validatePassword(app, password, user)
        if (problems.length > 0) throw taoError('TAO_ERR_AUTH_PASSWORD_INVALID', [problems])
        await setPassword(app, user, password)
        process.stdout.write(`Password of '${user.username}' changed; its logins have ended.\n`)
      } finally {
        await app.close()
      }
    })
}
