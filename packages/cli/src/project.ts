import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createApp, loadSettings, type Settings, type TaoApp, type UserSettings } from '@tao/core'
import { findProject } from './paths.js'

/** The marker `tao build` leaves in its output folder. */
export const BUILD_MARKER = '.tao-build.json'

let tsxRegistered = false

/** Lets this process import the project's TypeScript directly (dev, tests, unbuilt start). */
export async function registerTypeScript (): Promise<void> {
  if (tsxRegistered) return
  const { register } = await import('tsx/esm/api')
  register()
  tsxRegistered = true
}

/** Options of {@link loadProject}. */
export interface LoadProjectOptions {
  /** Ignore `tao build` output and run the TypeScript sources. */
  source?: boolean
  settings?: UserSettings
}

/** A project found from the current directory, and how its modules are loaded. */
export interface LoadedProject {
  root: string
  /** The compiled output when running a build, else the root. */
  modulesRoot: string
  compiled: boolean
  app: TaoApp
}

/** Where the project's modules come from: `tao build` output when present, else the sources. */
async function projectModules (source: boolean | undefined): Promise<{ root: string, modulesRoot: string, compiled: boolean }> {
  const root = findProject()
  const buildDir = join(root, 'build')
  const compiled = !source && existsSync(join(buildDir, BUILD_MARKER))
  if (!compiled) await registerTypeScript()
  return { root, modulesRoot: compiled ? buildDir : root, compiled }
}

/** Only the settings of the project around the current directory (no app is imported). */
export async function loadProjectSettings (opts: LoadProjectOptions = {}): Promise<Settings> {
  const { root, modulesRoot } = await projectModules(opts.source)
  return await loadSettings({ root, modulesRoot, overrides: opts.settings })
}

/**
 * Finds the project around the current directory and creates its app: from the compiled
 * output of `tao build` when there is one (plain JavaScript, no TypeScript loader), else from
 * the TypeScript sources through tsx.
 */
export async function loadProject (opts: LoadProjectOptions = {}): Promise<LoadedProject> {
  const { root, modulesRoot, compiled } = await projectModules(opts.source)
  const app = await createApp({ root, modulesRoot, settings: opts.settings })
  return { root, modulesRoot, compiled, app }
}
