/**
 * @tao/core: the public API. Everything a project imports comes from here; nothing else is
 * public.
 */
export { createApp, TaoApp, serve, type CreateAppOptions, type ListenOptions, type ServeOptions, type ErrorPageContext } from './server/index.js'
export { writeRouteTypes, routeTypes } from './routing/index.js'
export { defineSettings, type Settings, type UserSettings, type AppPackageEntry } from './settings/index.js'
export { route, ws, type WsHandler } from './routing/index.js'
export type { PathParams, Request, Reply, Handler, RouteOptions, RouteDef, RouteParamsMap, RouteName, Query, UrlArgs } from './routing/index.js'
export type { AppConfig } from './apps/index.js'
export { TaoError, taoError, isTaoError, codes, type TaoErrorCode, type TaoErrorDetails } from './errors/index.js'
export { Channels, createMemoryTransport, createClusterTransport } from './websocket/index.js'
export type { ChannelData, ChannelTransport, ChannelPayload, ChannelHandler, RelayMessage, TaoSocket } from './websocket/index.js'
