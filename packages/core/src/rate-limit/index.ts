export { rateLimitPlugin, type RateLimitPluginOptions } from './plugin.js'
export { defineRateLimit, RateLimit, type RateLimitResult, type RateLimits } from './limit.js'
export { memoryCounters } from './memory-counters.js'
export { checkRateLimit, routeRateLimit, type NormalizedRateLimit } from './options.js'
