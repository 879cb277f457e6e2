import { kUserSettings } from '../symbols.js'
import type { ChannelTransport } from '../websocket/transport.js'

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
    /** Listen on this unix socket instead of host and port. */
    socket?: string
    socketMode?: number
    /** Trust X-Forwarded-* from: true (any peer), a hop count, or a list of addresses/CIDRs. */
    trustProxy?: boolean | number | string[]
    requestTimeout?: Duration
    keepAliveTimeout?: Duration
    connectionTimeout?: Duration
    shutdownTimeout?: Duration
    bodyLimit?: Size
    workers?: number | 'auto'
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
  /** Websocket routes and channels (see docs/reference/websockets.md). */
  websocket?: {
    /** Largest message a client may send; a bigger one closes the socket with 1009. Default '1mb'; 0: no limit. */
    maxMessageSize?: Size
    /**
     * Data waiting to be written to one client (socket.bufferedAmount) past which a send drops that
     * client: it has stopped reading. Default '4mb'; 0: no limit.
     */
    maxBufferedAmount?: Size
    /** How often idle sockets are pinged; one that has not answered the last ping is dropped. Default '30s'; 0: off. */
    pingInterval?: Duration
    /** On shutdown, how long sockets get to finish the 1001 close handshake before they are cut. Default '5s'. */
    closeTimeout?: Duration
    /**
     * How channels reach other processes: 'auto' (node:cluster IPC in a cluster worker, else in-process),
     * 'memory', 'cluster', or a function returning a ChannelTransport (a broker such as Redis pub/sub).
     */
    transport?: 'auto' | 'memory' | 'cluster' | (() => ChannelTransport)
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
