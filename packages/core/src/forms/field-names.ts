// Names that would alter objects built from a form: Object.prototype's own (as @fastify/multipart
// refuses them too), and in the nested-key syntaxes some libraries expand (`a[b]`, `a.b`),
// a `__proto__` segment or `constructor` then `prototype`.
const SEGMENTS = /[.[\]]+/

/** True when a form field name is refused (400 TAO_ERR_FORM_FIELD_NAME). */
export function isForbiddenFieldName (name: string): boolean {
  if (name in Object.prototype) return true
  if (!SEGMENTS.test(name)) return false
  const parts = name.split(SEGMENTS)
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === '__proto__') return true
    if (parts[i] === 'constructor' && parts[i + 1] === 'prototype') return true
  }
  return false
}

/** Adds a value under `name`, turning repeated names into arrays (as browsers send checkboxes). */
export function addField (body: Record<string, unknown>, name: string, value: unknown): void {
  const prev = body[name]
  if (prev === undefined) body[name] = value
  else if (Array.isArray(prev)) prev.push(value)
  else body[name] = [prev, value]
}
