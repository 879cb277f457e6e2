import { appNameProblem } from '../names/index.js'
import {
  anyValue, bool, duration, either, fn, int, listOf, mapOf, oneOf, shape, size, str, type Check,
} from './validate.js'

const prefix = (s: string) => (s === '' || (s.startsWith('/') && !s.endsWith('/')) ? null : "a path prefix such as '/blog' (or '' for none)")
const appLabel = (s: string) => (appNameProblem(s) ? 'an app name (lowercase identifier)' : null)

const appEntry: Check = either(
  str(undefined),
  shape({ package: str(''), name: str(undefined, appLabel), prefix: str(undefined, prefix) }),
  "a package name or { package: '...', name?: '...', prefix?: '...' }"
)

/**
 * The settings schema: every key, its default and how it is normalized. Each concern owns
 * one section. Defaults here are what a project gets when settings.ts is silent.
 */
export const settingsSchema = shape({
  debug: bool(false),
  secretKey: either(str(undefined), listOf(str('')), 'a key string, or a list of them (the first encrypts)'),
  allowedHosts: listOf(str(''), [], true),
  apps: listOf(appEntry),
  prefixes: mapOf(str('', prefix)),
  logLevel: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  server: shape({
    host: str('127.0.0.1'),
    port: int(8080, 0, 65535),
    socket: str(undefined),
    socketMode: int(undefined, 0, 0o777),
    trustProxy: either(bool(false), either(int(0, 0, 100), listOf(str(''), [], true), 'a hop count or address list'), 'true/false, a hop count, or a list of trusted proxy addresses'),
    requestTimeout: duration(30_000),
    keepAliveTimeout: duration(75_000),
    connectionTimeout: duration(60_000),
    shutdownTimeout: duration(10_000),
    bodyLimit: size(1024 * 1024),
    workers: either(int(1, 1, 256), oneOf(['auto'] as const, 'auto'), "a number of workers or 'auto'"),
  }),
  database: shape({
    url: str(undefined),
    name: str('tao'),
    maxPoolSize: int(20, 1, 1000),
    serverSelectionTimeoutMS: duration(5_000),
    requireOnStart: bool(true),
  }),
  templates: shape({
    globals: mapOf(anyValue),
    filters: mapOf(fn),
    cache: either(oneOf(['auto'] as const, 'auto'), bool(false), "true, false or 'auto'"),
  }),
  static: shape({
    hashed: either(oneOf(['auto'] as const, 'auto'), bool(false), "true, false or 'auto'"),
  }),
  websocket: shape({
    maxMessageSize: size(1024 * 1024),
    maxBufferedAmount: size(4 * 1024 * 1024),
    pingInterval: duration(30_000),
    closeTimeout: duration(5_000),
    transport: either(oneOf(['auto', 'memory', 'cluster'] as const, 'auto'), fn, "'auto', 'memory', 'cluster', or a function returning a channel transport"),
  }),
  checks: shape({
    silence: listOf(str('')),
  }),
})

type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer U)[] ? readonly DeepReadonly<U>[]
    : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T

/** The validated, normalized and frozen settings of one tao app. */
export type Settings = DeepReadonly<ReturnType<typeof settingsSchema>> & {
  /** Absolute path of the project root. */
  readonly root: string
  /** The settings file these came from (or '(inline)'). */
  readonly file: string
}
