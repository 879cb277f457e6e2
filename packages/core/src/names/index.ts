export { parseName, appNameProblem, relativePathProblem, type ParsedName } from './parse.js'
export { resolveWithin, resolveWithinSync, isInside } from './resolve.js'
