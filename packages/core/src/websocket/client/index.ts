export { WebsocketClient, connectWebsocket, type ClientState, type ClientStats } from './client.js'
export { resolveClientOptions, type WebsocketClientOptions, type ClientCloseInfo, type QueueOverflow, type ResolvedClientOptions } from './options.js'
