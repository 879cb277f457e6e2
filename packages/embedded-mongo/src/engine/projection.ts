import type { Document } from 'bson'
import { Query } from 'mingo/query'
import { asCommandError } from './command-error.js'
import { sharedOptions } from './mingo.js'
import { idFirst, isPlainObject } from './values.js'

type SliceSpec = number | [number, number]

function isSlice (v: unknown): v is { $slice: SliceSpec } {
  return isPlainObject(v) && Object.keys(v).length === 1 && '$slice' in v
}

function sliceArray (arr: unknown[], spec: SliceSpec): unknown[] {
  if (typeof spec === 'number') return spec >= 0 ? arr.slice(0, spec) : arr.slice(spec)
  const [skip, limit] = spec
  const start = skip < 0 ? Math.max(arr.length + skip, 0) : skip
  return arr.slice(start, start + limit)
}

// Copies along `path` only, so the stored document the projection started from stays untouched.
function sliceAt (doc: Document, path: string[], spec: SliceSpec): Document {
  const [head = '', ...rest] = path
  const value: unknown = doc[head]
  if (value === undefined) return doc
  const copy = { ...doc }
  if (rest.length === 0) {
    if (Array.isArray(value)) copy[head] = sliceArray(value, spec)
  } else if (isPlainObject(value)) {
    copy[head] = sliceAt(value, rest, spec)
  } else if (Array.isArray(value)) {
    copy[head] = value.map((el: unknown) => isPlainObject(el) ? sliceAt(el, rest, spec) : el)
  }
  return copy
}

/**
 * MongoDB treats `$slice` as neither inclusion nor exclusion: `{ arr: { $slice: 2 } }` keeps
 * every other field. mingo counts it as an inclusion, so such projections are split into an
 * exclusion (run by mingo) and slices (applied here).
 */
function splitSlices (projection: Document): { rest: Document, slices: Array<[string[], SliceSpec]> } | undefined {
  const slices: Array<[string[], SliceSpec]> = []
  const rest: Document = {}
  for (const [path, value] of Object.entries(projection)) {
    if (isSlice(value)) slices.push([path.split('.'), value.$slice])
    else if (value === 0 || value === false) rest[path] = value
    else if (path !== '_id') return undefined
    else rest[path] = value
  }
  return slices.length > 0 ? { rest, slices } : undefined
}

/**
 * Applies a find projection to documents. The filter is needed for the positional
 * `field.$` projection. Returns undefined when there is nothing to project.
 */
export function makeProjector (filter: Document, projection: Document | undefined): ((docs: Document[]) => Document[]) | undefined {
  if (projection === undefined || Object.keys(projection).length === 0) return undefined
  const split = splitSlices(projection)
  const mingoProjection = split === undefined ? projection : split.rest
  const query = new Query(filter, sharedOptions)
  return (docs) => {
    try {
      let out = Object.keys(mingoProjection).length > 0 ? query.find(docs, mingoProjection).all() as Document[] : docs
      if (split !== undefined) out = out.map((doc) => split.slices.reduce((d, [path, spec]) => sliceAt(d, path, spec), doc))
      return out.map(idFirst)
    } catch (err) {
      throw asCommandError(err)
    }
  }
}
