import { spawnSync } from 'node:child_process'

// The lock file keeps each package's tarball URL (some npm setups drop it): with it, `npm ci
// --offline` on another machine reads tarballs from npm's cache without registry metadata.
const QUIET = ['--no-audit', '--no-fund', '--omit-lockfile-registry-resolved=false']
// Online, a registry that does not answer fails in seconds rather than after npm's
// minutes of retries.
const SHORT_RETRIES = ['--prefer-offline', '--fetch-retries=1', '--fetch-retry-mintimeout=1000', '--fetch-retry-maxtimeout=3000', '--fetch-timeout=20000']

/**
 * Runs `npm install` in `dir`: first from npm's cache alone (`--offline`: no network, so no
 * silent retries when there is none), then, if the cache lacks a package, with the registry
 * but short retries. Prints one line per attempt; returns true when one succeeded.
 */
export function npmInstall (dir: string, shown: string, say: (line: string) => void): boolean {
  say(`installing dependencies from npm's cache (npm install --offline in ${shown}) ...`)
  const offline = spawnSync('npm', ['install', '--offline', ...QUIET], { cwd: dir, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' })
  if (offline.status === 0) return true
  say('the cache lacks some packages: installing from the registry (npm install --prefer-offline) ...')
  const online = spawnSync('npm', ['install', ...SHORT_RETRIES, ...QUIET], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] })
  return online.status === 0
}

/** npm's configured registry (`npm config get registry`): the tarball URLs of a lock file start with it. */
export function npmRegistry (): string {
  return spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).stdout.trim()
}
