/**
 * @tao/core: the public API. Everything a project imports comes from here; nothing else is
 * public.
 */
export { createApp, TaoApp, serve, url, render, notFound, type CreateAppOptions, type ListenOptions, type ServeOptions, type ErrorPageContext } from './server/index.js'
export { runPrimary, prepareSocket, CLOSE_PHASES, type PrimaryOptions, type PrimaryLog, type AppPhase, type CloseHook, type ClosePhase, type Readiness } from './server/index.js'
export { service, periodic, type ServiceContext, type ServiceOptions, type PeriodicOptions, type RestartPolicy, type ServiceDef, type ServiceStatus, type ServiceState } from './services/index.js'
export { runChecks, formatReport, checkIds, type CheckMessage, type CheckId, type CheckLevel, type CheckReport, type CheckDef, type CheckContext } from './checks/index.js'
export { writeRouteTypes, routeTypes } from './routing/index.js'
export { defineSettings, loadSettings, type Settings, type UserSettings, type AppPackageEntry } from './settings/index.js'
export { route, ws, type WsHandler } from './routing/index.js'
export type { PathParams, Request, Reply, Handler, RouteOptions, RouteDef, RouteParamsMap, RouteName, Query, UrlArgs } from './routing/index.js'
export type { AppConfig } from './apps/index.js'
export { TaoError, taoError, isTaoError, codes, type TaoErrorCode, type TaoErrorDetails } from './errors/index.js'
export { consumeMessages, type FlashLevel, type FlashMessage, type SessionValues } from './session/index.js'
export { csrfField, csrfToken, UploadedFile, type SavedUpload } from './forms/index.js'
export {
  addTemplateGlobal, addTemplateContext, markSafe,
  type SafeString, type TemplateContextProvider, type TemplateContextOptions, type TemplateNameOptions,
} from './templates/index.js'
export { collectStatic, type CollectStaticOptions, type CollectResult } from './static/index.js'
export { startSharedDatabase, isDatabaseUnavailableError, DATABASE_URL_ENV, type SharedDatabase } from './db/index.js'
export { ObjectId, type Db, type MongoClient, type Collection } from 'mongodb'
export { Channels, createMemoryTransport, createClusterTransport } from './websocket/index.js'
export type { ChannelData, ChannelTransport, ChannelPayload, ChannelHandler, RelayMessage, TaoSocket } from './websocket/index.js'
export {
  makeMessages, parseAcceptLanguage, matchLanguage, DATE_FORMATS,
  type MessageValues, type LanguageRange, type CatalogUpdate,
} from './i18n/index.js'
export {
  createUser, authenticate, setPassword, validatePassword, users, ensureAuthIndexes,
  loginRequired, staffRequired, superuserRequired, permissionRequired, ANONYMOUS_USER,
  hashPassword, verifyPassword, PASSWORD_VALIDATORS, mongoAttemptStore, safeNext, USERS, GROUPS, SESSIONS,
  type NewUser, type Guard, type AuthUser, type UserDocument, type GroupDocument, type LoginRecord,
  type LoginOptions, type AttemptStore, type AttemptCount, type PasswordValidator, type AuthSource, type ScryptParams,
} from './auth/index.js'
export { sendMail, type Mail, type OutboxMail } from './mail/index.js'
export { defineModel, isModel, Model, ModelCollection, Type, type ModelOptions, type ModelIndex, type ModelDocument, type DbSource, type FieldErrors, type ValidationResult, type ValidateOptions } from './models/index.js'
export type { Static, TSchema } from 'typebox'
export { defineForm, Form, BoundForm, type FormOptions, type FormResult, type FieldOptions, type FormField, type Widget, type RenderFieldOptions } from './forms/index.js'
export type { ModelFormOptions } from './models/index.js'
export { migrate, rollback, listMigrations, pendingMigrations, syncIndexes, makeMigration, MIGRATIONS_COLLECTION, type MigrateOptions, type MigrateReport, type MigrationStatus, type MigrationContext, type IndexReport } from './migrations/index.js'
export { dumpData, loadData, loadDataFile, parseFixture, type FixtureData } from './fixtures/index.js'
export { paginate, paginateByKey, parsePageNumber, type Page, type PageLink, type PaginateOptions, type KeyPage, type KeyPageOptions } from './pagination/index.js'
export {
  registerAdmin,
  type AdminAction, type AdminActionContext, type AdminModel, type AdminPermission, type ModelAdmin, type ModelAdminOptions,
} from './admin/index.js'
// websocket clients held by services (issue 18)
export { WebsocketClient, connectWebsocket, type ClientState, type ClientStats, type WebsocketClientOptions, type ClientCloseInfo, type QueueOverflow } from './websocket/index.js'
// cache and rate limits (issue #18)
export { Cache, Caches, MemoryBackend, type CacheBackend, type CacheTtl } from './cache/index.js'
export { defineRateLimit, RateLimit, memoryCounters, type RateLimitResult } from './rate-limit/index.js'
export type { RateLimitOptions } from './routing/index.js'
// Redis (issue #18): connections shared by channels, the cache and rate limits
export { createRedisClient, closeRedisClient, RedisConnections, type RedisClientOptions } from './redis/index.js'
export { createRedisTransport, type RedisTransport, type RedisTransportOptions, type RedisTransportStats } from './websocket/index.js'
export type { Redis } from 'ioredis'
// debug toolbar and boot error page (issue 21)
export { renderBootErrorPage, findUserPlace, type BootErrorPage, type CodePlace } from './server/index.js'
// templates compiled ahead of time by `tao build` (issue 19)
export { buildTemplates } from './templates/index.js'
export { useBundledModules, builtinAppModules, appModuleFiles, runningBundled } from './apps/index.js'
