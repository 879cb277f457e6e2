import { kUserSettings } from '../symbols.js'

type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`
type Size = number | `${number}${'b' | 'kb' | 'mb' | 'gb' | 'KB' | 'MB' | 'GB'}`

/** An app shipped as an npm package, listed in `settings.apps`. */
export interface AppPackageEntry {
  /** The npm package name, resolved from the project root. */
  package: string
  /** The app name (default: the package's `tao.name`, else its unscoped name). */
  name?: string
  /** URL prefix for its routes (default: the package's own `prefix` export). */
  prefix?: string
}

/**
 * What a project's settings.ts may set. Every key is optional; omitted keys take the
 * defaults documented in docs/reference/settings.md.
 */
export interface UserSettings {
  /** Development mode: detailed error pages, templates re-read on change. Default false. */
  debug?: boolean
  /** Key(s) for signing and encrypting session cookies: 32 bytes, hex or base64. The first encrypts. */
  secretKey?: string | string[]
  /** Host names this site answers to (Django's ALLOWED_HOSTS). `.example.com` matches subdomains. */
  allowedHosts?: string[]
  /** Apps from npm packages, besides the project's own apps/ folder. */
  apps?: (string | AppPackageEntry)[]
  /** URL prefix per app, overriding the app's own `export const prefix`. */
  prefixes?: Record<string, string>
  /** Log level. Default 'info'. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  server?: {
    host?: string
    port?: number
    /** Listen on this unix socket instead of host and port (a stale socket file is removed). */
    socket?: string
    /** File mode of the unix socket, e.g. 0o660 so that nginx's group can connect. */
    socketMode?: number
    /** Trust X-Forwarded-* from: true (any peer), a hop count, or a list of addresses/CIDRs. */
    trustProxy?: boolean | number | string[]
    requestTimeout?: Duration
    keepAliveTimeout?: Duration
    connectionTimeout?: Duration
    /** How long shutdown waits for in-flight requests before closing their connections. Default '10s'. */
    shutdownTimeout?: Duration
    bodyLimit?: Size
    /**
     * Worker processes for `tao start`: a number, or 'auto' (one per core). Unset: one process.
     * With workers, SIGHUP restarts them one at a time and a crashed worker is replaced.
     */
    workers?: number | 'auto'
    /** Health endpoints, outside sessions and pages: a path each, or false to turn one off. */
    health?: {
      /** Liveness: 200 while the process serves. Default '/-/live'. */
      live?: string | false
      /** Readiness: 200 when the database and services are up; 503 while starting or shutting down. Default '/-/ready'. */
      ready?: string | false
    }
  }
  /** Background services (apps/<app>/services.ts). */
  services?: {
    /** Start the services with the server. Default true. */
    enabled?: boolean
    /** Default time each service's stop() gets at shutdown. Default '5s'. */
    stopTimeout?: Duration
    /** Lease of `once: true` services: another process takes over within about this long after the holder dies. Default '5s'. */
    leaseTtl?: Duration
  }
  database?: {
    /** MongoDB connection string. Omit to use the embedded store under var/db. */
    url?: string
    name?: string
    maxPoolSize?: number
    serverSelectionTimeoutMS?: Duration
    requireOnStart?: boolean
  }
  templates?: {
    globals?: Record<string, unknown>
    filters?: Record<string, (...args: never[]) => unknown>
    /** Compile each template once ('auto': when debug is off). */
    cache?: boolean | 'auto'
  }
  static?: {
    /** Add content hashes to static() URLs ('auto': when debug is off). */
    hashed?: boolean | 'auto'
  }
  checks?: {
    /** Check ids to silence, e.g. ['security.W004']. */
    silence?: string[]
  }
}

/**
 * Declares a project's settings. Typed, so an unknown key or a wrong type is a compile error;
 * validated again with file and key names when tao loads it.
 * @example export default defineSettings({ debug: true, allowedHosts: ['example.com'] })
 */
export function defineSettings<const S extends UserSettings> (settings: S & Record<Exclude<keyof S, keyof UserSettings>, never>): S {
  Object.defineProperty(settings, kUserSettings, { value: true })
  return settings
}
