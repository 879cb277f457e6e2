/** Every internal Symbol key of tao, in one place (description `tao.<name>`). */
export const kUserSettings = Symbol.for('tao.userSettings')
// Registered symbols: a project may load two copies of @tao/core (a linked checkout and a
// package app's own), and route declarations must be recognised by either.
export const kRouteDef = Symbol.for('tao.routeDef')
export const kTaoApp = Symbol('tao.app')
export const kReverse = Symbol('tao.reverse')
export const kErrorPages = Symbol('tao.errorPages')
// Registered for the same reason as kRouteDef: services.ts may import another copy of @tao/core.
export const kServiceDef = Symbol.for('tao.serviceDef')
export const kTemplates = Symbol('tao.templates')
export const kStaticFiles = Symbol('tao.staticFiles')
export const kDatabase = Symbol('tao.database')
export const kChannels = Symbol('tao.channels')
export const kSocketConfig = Symbol('tao.socketConfig')
export const kSocketLog = Symbol('tao.socketLog')
export const kSocketFail = Symbol('tao.socketFail')
export const kSocketHeartbeat = Symbol('tao.socketHeartbeat')
export const kSession = Symbol('tao.session')
export const kSessionCodec = Symbol('tao.sessionCodec')
export const kCookies = Symbol('tao.cookies')
export const kCookieJar = Symbol('tao.cookieJar')
export const kCookiesWritten = Symbol('tao.cookiesWritten')
export const kDebugRecord = Symbol('tao.debugRecord')
// languages (i18n/)
export const kTranslator = Symbol('tao.translator')
export const kLocale = Symbol('tao.locale')
export const kUrlLanguage = Symbol('tao.urlLanguage')
export const kOwnContentPolicy = Symbol('tao.ownContentPolicy')
// auth (the built-in app)
export const kAuth = Symbol('tao.auth')
export const kUser = Symbol('tao.user')
export const kMail = Symbol('tao.mail')
// Registered like kRouteDef: models.ts may import another copy of @tao/core.
export const kModelDef = Symbol.for('tao.modelDef')
// admin: registrations made by registerAdmin() (registered: admin.ts may import another copy of
// @tao/core), and the admin site built at boot.
export const kAdminRegistration = Symbol.for('tao.adminRegistration')
export const kAdminSite = Symbol('tao.adminSite')
/** The handler-deadline timer of a request (server/handler-deadline.ts). */
export const kHandlerDeadline = Symbol('tao.handlerDeadline')
// services: closes what a service instance's context opened (its websocket clients)
export const kContextClose = Symbol('tao.contextClose')
// cache and rate limits (issue #18)
/** The caches of a tao app (cache/caches.ts). */
export const kCache = Symbol('tao.cache')
/** A cached route's response key for this request, set when it may be stored (cache/route-cache.ts). */
export const kRouteCacheKey = Symbol('tao.routeCacheKey')
/** The rate limits of a tao app (rate-limit/). */
export const kRateLimits = Symbol('tao.rateLimits')
// redis (issue #18): the app's Redis connections
export const kRedis = Symbol('tao.redis')
/** A request's Db bound to its database deadline (db/deadline.ts), set on its first read of req.db. */
export const kDbView = Symbol('tao.dbView')
// boot (issue 19): compiles a model's validators at boot (models/define-model.ts); registered
// like kModelDef, since models.ts may import another copy of @tao/core.
export const kCompileModel = Symbol.for('tao.compileModel')
