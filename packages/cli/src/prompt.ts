import { createInterface } from 'node:readline/promises'
import { taoError } from '@tao/core'

/** Reads all of standard input, without its final line break (`--password-stdin`). */
export async function readStdin (): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

/** Asks a question on the terminal and returns the answer (echoed). */
export async function ask (question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return (await rl.question(question)).trim()
  } finally {
    rl.close()
  }
}

// What was typed after the line a prompt took (typed ahead): the next prompt reads it first.
let typedAhead = ''

/**
 * Asks for a secret on the terminal without echoing it: the terminal is put in raw mode and
 * nothing typed is written back. Ctrl-C aborts; backspace erases.
 */
export async function askHidden (question: string): Promise<string> {
  const stdin = process.stdin
  // Echo off before the prompt shows, so nothing typed after it is ever echoed.
  stdin.setRawMode(true)
  stdin.resume()
  process.stderr.write(question)
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = ''
      const onData = (data: Buffer | string) => {
        const chars = [...data.toString()]
        for (let i = 0; i < chars.length; i++) {
          const ch = chars[i]!
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            stdin.off('data', onData)
            typedAhead = chars.slice(i + 1).join('').replace(/^\n/, '')
            process.stderr.write('\n')
            return resolve(value)
          }
          if (ch === '\u0003') {
            stdin.off('data', onData)
            process.stderr.write('\n')
            return reject(taoError('TAO_ERR_CLI_INVALID_OPTION', ['the password prompt', 'Ctrl-C', 'a password (aborted)']))
          }
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
          else value += ch
        }
      }
      stdin.on('data', onData)
      if (typedAhead !== '') {
        const ahead = typedAhead
        typedAhead = ''
        onData(ahead)
      }
    })
  } finally {
    stdin.setRawMode(false)
    stdin.pause()
  }
}

/**
 * The new password: from standard input with `--password-stdin`, else asked twice on the
 * terminal (never echoed). Without a terminal and without the flag: a usage error.
 * @throws TAO_ERR_CLI_INVALID_OPTION
 */
export async function newPassword (fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin === true) return await readStdin()
  if (!process.stdin.isTTY) throw taoError('TAO_ERR_CLI_INVALID_OPTION', ['--password-stdin', '(missing)', 'the flag, with the password on standard input, when standard input is not a terminal'])
  for (;;) {
    const first = await askHidden('Password: ')
    const again = await askHidden('Password (again): ')
    if (first === again) return first
    process.stderr.write('The passwords did not match; try again.\n')
  }
}
