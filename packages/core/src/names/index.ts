export { parseName, appNameProblem, relativePathProblem, type ParsedName } from './parse.js'
export { resolveWithin, resolveWithinSync, isInside, displayPath, RealDirs } from './resolve.js'
