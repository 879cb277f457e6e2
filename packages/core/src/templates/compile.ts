import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import nunjucks from 'nunjucks'

/** What a compiled template module returns: `root`, and `b_<name>` per block. */
export type TemplateProps = Record<string, (...args: unknown[]) => void>

/** The parts of a Nunjucks Environment its compiler reads. */
export interface CompilerEnv {
  asyncFilters: string[]
  extensionsList: unknown[]
  opts: object
}

interface Compiler {
  compile (src: string, asyncFilters: string[], extensions: unknown[], name: string, opts: object): string
}

// Rewrites of the JavaScript Nunjucks's compiler emits, matched on its exact output. Each
// pattern holds a `("` that only code has (in a string literal of template text every `"` is
// escaped as `\"`), so template text never matches.

/** The seven `frame.set("loop.…")` of one iteration (_emitLoopBindings): one call instead. */
const LOOP_BINDINGS = new RegExp([
  'frame\\.set\\("loop\\.index", (t_\\d+) \\+ 1\\);',
  'frame\\.set\\("loop\\.index0", \\1\\);',
  'frame\\.set\\("loop\\.revindex", (t_\\d+) - \\1\\);',
  'frame\\.set\\("loop\\.revindex0", \\2 - \\1 - 1\\);',
  'frame\\.set\\("loop\\.first", \\1 === 0\\);',
  'frame\\.set\\("loop\\.last", \\1 === \\2 - 1\\);',
  'frame\\.set\\("loop\\.length", \\2\\);',
].join('\n'), 'g')

/**
 * A loop variable (`frame.set("item", t_4)`): Frame.set splits the name on dots; a name without
 * one is a plain write to the frame's variables, which is what Frame.set ends up doing.
 */
const LOOP_VARIABLE = /(?<![\w$.])frame\.set\("([A-Za-z_$][\w$]*)", (t_\d+)\);/g

const SET_LOOP = 'runtime.setLoop(frame, $1, $2);'
const SET_VARIABLE = 'frame.variables["$1"] = $2;'
const POST_PASS = createHash('sha256').update([LOOP_BINDINGS.source, SET_LOOP, LOOP_VARIABLE.source, SET_VARIABLE].join('\0')).digest('hex').slice(0, 12)

/**
 * The compiled source of a template, with the post-pass applied: same behaviour, less work
 * per iteration (see the patterns above).
 */
export function compileSource (src: string, env: CompilerEnv, path: string): string {
  const code = (nunjucks as unknown as { compiler: Compiler }).compiler.compile(src, env.asyncFilters, env.extensionsList, path, env.opts)
  return code
    .replace(LOOP_BINDINGS, SET_LOOP)
    .replace(LOOP_VARIABLE, SET_VARIABLE)
}

let nunjucksVersion: string | undefined

/**
 * What the compiled code of a template depends on besides its text: the Nunjucks compiler, this
 * post-pass and the custom tags the environment parses (`{% cache %}`). Code compiled under
 * another fingerprint (a build made by another tao) is not used.
 */
export function compilerFingerprint (env: CompilerEnv): string {
  nunjucksVersion ??= (createRequire(import.meta.url)('nunjucks/package.json') as { version: string }).version
  const tags = (env.extensionsList as Array<{ __name?: string }>).map((e) => e.__name ?? '?').sort().join(',')
  return `nunjucks ${nunjucksVersion}; post-pass ${POST_PASS}; tags ${tags}; async filters ${env.asyncFilters.join(',')}`
}

/** Compiles `src` to its functions (root and blocks). @throws Nunjucks's lexer and parser errors */
export function compileTemplate (src: string, env: CompilerEnv, path: string): TemplateProps {
  // eslint-disable-next-line no-new-func -- what Nunjucks itself does with its compiled source
  return new Function(compileSource(src, env, path))() as TemplateProps
}
