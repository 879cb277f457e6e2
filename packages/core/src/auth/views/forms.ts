import type { FastifyRequest } from 'fastify'

/** A string field of a parsed form or JSON body ('' when absent or not a string). */
export function field (req: FastifyRequest, name: string): string {
  const body = req.body as Record<string, unknown> | undefined
  const v = body?.[name]
  return typeof v === 'string' ? v : ''
}

/** The problems of a new password typed twice, before the password rules. */
export function mismatch (a: string, b: string): string[] {
  if (a === '') return ['A new password is required.']
  return a === b ? [] : ['The two password fields did not match.']
}
