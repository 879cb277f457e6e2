import type { FastifyInstance } from 'fastify'
import { kTemplates } from '../symbols.js'
import { writePrecompiled } from './precompiled.js'

/**
 * Compiles every template of a project ahead of time into `<outDir>/.tao-templates/` (what
 * `tao build` does after compiling the TypeScript): `app` is the project's app created from
 * that output, so the templates are compiled with the tags and filters `tao start` will have.
 * A later start takes each unchanged template from there instead of compiling it.
 * @returns the number of distinct templates written
 * @throws TAO_ERR_TEMPLATE_SYNTAX naming the first template that does not compile, with its line
 */
export function buildTemplates (app: { readonly fastify: FastifyInstance }, outDir: string): number {
  const engine = app.fastify[kTemplates]
  const templates = engine.compileAll()
  writePrecompiled(outDir, engine.fingerprint, templates)
  return templates.length
}
