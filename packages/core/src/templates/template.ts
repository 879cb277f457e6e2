import nunjucks from 'nunjucks'
import { compileTemplate, type CompilerEnv, type TemplateProps } from './compile.js'
import { RenderContext } from './render-context.js'
import { taoRuntime } from './runtime.js'

type Callback = (err: unknown, res?: unknown) => void
type RootRender = (env: unknown, context: RenderContext, frame: RenderFrame, runtime: unknown, cb: Callback) => void

interface RenderFrame {
  topLevel: boolean
  push (isolateWrites?: boolean): RenderFrame
}

/** The environment a template renders in (tao's Nunjucks Environment). */
export interface TemplateEnv extends CompilerEnv {
  globals: Record<string, unknown>
  opts: { dev?: boolean }
}

/** The fields of nunjucks.Template that tao's subclass reads and sets. */
interface NunjucksTemplate {
  env: TemplateEnv
  path: string
  tmplStr?: string
  tmplProps?: TemplateProps
  blocks: Record<string, (...args: unknown[]) => void>
  rootRenderFunc: RootRender
  compiled: boolean
  compile (): void
  _compile (): void
  _getBlocks (props: TemplateProps): Record<string, (...args: unknown[]) => void>
}

const Base = nunjucks.Template as unknown as new (src: unknown, env: unknown, path: string, eagerCompile: boolean) => NunjucksTemplate
const { Frame } = nunjucks.runtime as unknown as { Frame: new () => RenderFrame }
const { _prettifyError: prettifyError } = nunjucks.lib as unknown as { _prettifyError (path: string, withInternals: boolean, err: unknown): Error }

/**
 * A Nunjucks Template that compiles with tao's post-pass (compile.ts) and renders with tao's
 * runtime (runtime.ts) and context (render-context.ts). Nunjucks renders includes and imports
 * through their Template objects, so each template tao loads is one of these: the whole tree
 * of one render runs the same way. Renders are synchronous (tao never passes a callback to the
 * first render; nested ones are called by compiled code with a parent frame and a callback).
 */
export class TaoTemplate extends Base {
  override _compile (): void {
    const props = this.tmplProps ?? compileTemplate(this.tmplStr ?? '', this.env, this.path)
    this.blocks = this._getBlocks(props)
    this.rootRenderFunc = props.root as unknown as RootRender
    this.compiled = true
  }

  render (ctx?: object | null, parentFrame?: RenderFrame | null, cb?: Callback): string | null {
    if (typeof ctx === 'function') {
      cb = ctx as Callback
      ctx = null
    } else if (typeof parentFrame === 'function') {
      cb = parentFrame as Callback
      parentFrame = null
    }
    this.compile()
    const context = new RenderContext(ctx ?? {}, this.blocks, this.env)
    const frame = parentFrame ? parentFrame.push(true) : new Frame()
    frame.topLevel = true
    let result: string | null = null
    let failed = false
    this.rootRenderFunc(this.env, context, frame, taoRuntime, (err, res) => {
      // Nunjucks may call back twice after an error (its compiled waterfalls): once is enough.
      if (failed && cb && res !== undefined) return
      if (err) {
        err = prettifyError(this.path, this.env.opts.dev === true, err)
        failed = true
      }
      if (cb) cb(err, res)
      else if (err) throw err
      else result = res as string
    })
    return result
  }

  getExported (ctx: object | null, parentFrame?: RenderFrame | null, cb?: Callback): void {
    if (typeof ctx === 'function') {
      cb = ctx as Callback
      ctx = null
    }
    if (typeof parentFrame === 'function') {
      cb = parentFrame as Callback
      parentFrame = null
    }
    const done = cb!
    try {
      this.compile()
    } catch (err) {
      done(err)
      return
    }
    const frame = parentFrame ? parentFrame.push() : new Frame()
    frame.topLevel = true
    const context = new RenderContext(ctx ?? {}, this.blocks, this.env)
    this.rootRenderFunc(this.env, context, frame, taoRuntime, (err) => {
      if (err) done(err, null)
      else done(null, context.getExported())
    })
  }
}
