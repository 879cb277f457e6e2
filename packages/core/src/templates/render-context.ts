import { isPolluted } from './guards.js'

/** A compiled block: what `{% block %}` compiles to. */
type Block = (...args: unknown[]) => void

/**
 * The context of one render, in place of Nunjucks's Context (same fields and methods, which
 * compiled templates and filters' `this` use): built with a plain copy of the values (no
 * Obj.init through `apply`, no per-key closures), its blocks kept without a prototype, and
 * lookup() blind to Object.prototype like tao's other lookups.
 */
export class RenderContext {
  readonly env: { globals: Record<string, unknown> }
  readonly ctx: Record<string, unknown>
  readonly blocks: Record<string, Block[]>
  readonly exported: string[]

  constructor (ctx: object, blocks: Record<string, Block>, env: { globals: Record<string, unknown> }) {
    this.env = env
    // A copy: top-level `{% set %}` writes here, never into the caller's object.
    this.ctx = Object.assign({}, ctx) as Record<string, unknown>
    const own = Object.create(null) as Record<string, Block[]>
    for (const name in blocks) own[name] = [blocks[name]!]
    this.blocks = own
    this.exported = []
  }

  /** A name as filters see it through `this.lookup()`: the render's values, then the globals. */
  lookup (name: string): unknown {
    if (Object.hasOwn(this.ctx, name)) return this.ctx[name]
    return isPolluted(this.env.globals, name) ? undefined : this.env.globals[name]
  }

  setVariable (name: string, val: unknown): void {
    this.ctx[name] = val
  }

  getVariables (): Record<string, unknown> {
    return this.ctx
  }

  addBlock (name: string, block: Block): this {
    (this.blocks[name] ??= []).push(block)
    return this
  }

  getBlock (name: string): Block {
    const list = this.blocks[name]
    if (!list) throw new Error(`unknown block "${name}"`)
    return list[0]!
  }

  getSuper (env: unknown, name: string, block: Block, frame: unknown, runtime: unknown, cb: unknown): void {
    const list = this.blocks[name]
    const idx = list ? list.indexOf(block) : -1
    const next = idx === -1 ? undefined : list![idx + 1]
    if (next === undefined) throw new Error(`no super block available for "${name}"`)
    next(env, this, frame, runtime, cb)
  }

  addExport (name: string): void {
    this.exported.push(name)
  }

  getExported (): Record<string, unknown> {
    const exported: Record<string, unknown> = {}
    for (const name of this.exported) exported[name] = this.ctx[name]
    return exported
  }
}
