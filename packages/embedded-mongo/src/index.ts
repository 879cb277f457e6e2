export { startEmbeddedMongo } from './server.js'
export type { EmbeddedMongo, EmbeddedMongoOptions } from './server.js'
export { EmbeddedMongoError, embeddedErrorCodes } from './errors.js'
export type { EmbeddedErrorCode } from './errors.js'
