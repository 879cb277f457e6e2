export { closeRedisClient, createRedisClient, reconnectDelay, toRedisError, type RedisClientOptions } from './client.js'
export { RedisConnections } from './connections.js'
export { redisPlugin, type RedisPluginOptions } from './plugin.js'
export { describeRedis, parseRedisUrl, redisUrlProblem, type RedisTarget } from './url.js'
