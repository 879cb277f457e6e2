import { pathToFileURL } from 'node:url'
import { findServerBundle } from './bundle/find.js'
import { localCli } from './local-cli.js'

const args = process.argv.slice(2)
const local = localCli(args)
if (local) {
  // The project's own tao takes over: it reads process.argv and sets the exit code itself.
  await import(pathToFileURL(local).href)
} else {
  // `tao start` of a built project runs its server bundle: this CLI, tao and the project in
  // one file (it calls runAndExit itself).
  const bundle = findServerBundle(args)
  if (bundle) await (await import('./bundle/run.js')).runServerBundle(bundle)
  else await (await import('./program.js')).runAndExit(process.argv)
}
