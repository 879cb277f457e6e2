// Where the hello route's extra instructions go: bare Fastify, bare Fastify plus each piece
// tao adds per request (bench/servers/hello-fastify-pieces.mjs), all of them, and tao itself,
// counted under callgrind like bench/instructions.mjs.
//   node --import tsx bench/hello-breakdown.mjs [--requests 2000]
import { count, hasValgrind } from './instructions.mjs'

if (!hasValgrind()) {
  console.log('valgrind is not installed: skipped')
  process.exit(0)
}
const rows = [
  ['bare fastify', 'hello-fastify', []],
  ['+ host check', 'hello-fastify-pieces', ['host']],
  ['+ handler deadline', 'hello-fastify-pieces', ['deadline']],
  ['+ security headers', 'hello-fastify-pieces', ['headers']],
  ['+ session onSend', 'hello-fastify-pieces', ['session']],
  ['+ all four', 'hello-fastify-pieces', ['all']],
  ['tao', 'hello-tao', []],
]
let bare = 0
console.log('hello JSON route, instructions per request (callgrind; one run each)')
for (const [label, name, args] of rows) {
  const n = await count(name, args)
  if (label === 'bare fastify') bare = n
  console.log(`  ${label.padEnd(22)} ${Math.round(n).toLocaleString('en-US').padStart(8)}  ${label === 'bare fastify' ? '' : `${n - bare >= 0 ? '+' : ''}${Math.round(n - bare).toLocaleString('en-US')}`}`)
}
