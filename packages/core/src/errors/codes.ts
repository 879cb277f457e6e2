/**
 * The one registry of tao's error codes. Each entry: the HTTP status a request failing with
 * it answers (500 for developer setup errors found at boot) and the message, built from
 * typed arguments: what went wrong, where, and how to fix it. Codes are never renamed or
 * reused; docs/reference/errors.md lists every one (a test keeps them in step).
 */
const def = <A extends unknown[]>(status: number, message: (...args: A) => string) => ({ status, message })

const q = (s: string) => `'${s}'`

export const codes = {
  // settings
  TAO_ERR_SETTINGS_INVALID: def(500, (file: string, problems: string[]) =>
    `Invalid settings in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix these keys (see docs/reference/settings.md).`),
  TAO_ERR_SETTINGS_LOAD: def(500, (file: string, reason: string) =>
    `Could not load settings from ${file}: ${reason}. The file must \`export default defineSettings({ ... })\`.`),
  TAO_ERR_PROJECT_NOT_FOUND: def(500, (dir: string) =>
    `No tao project found at ${dir} (looked for settings.ts or settings.js up from there). Run this inside a project, or create one with \`tao new -p NAME\`.`),

  // names: the app:thing grammar
  TAO_ERR_NAME_INVALID: def(400, (kind: string, name: string, reason: string) =>
    `Invalid ${kind} name ${q(name)}: ${reason}. Names look like 'app:path/to/thing' with no '..', backslashes or absolute paths.`),

  // apps
  TAO_ERR_APP_INVALID_NAME: def(500, (name: string, where: string, reason: string) =>
    `Invalid app name ${q(name)} at ${where}: ${reason}. App names are lowercase identifiers (a-z, 0-9, _; starting with a letter); rename the folder.`),
  TAO_ERR_APP_DUPLICATE: def(500, (name: string, sources: string[]) =>
    `Two apps are named ${q(name)}: ${sources.join(' and ')}. Rename one of them (app names are unique in a project).`),
  TAO_ERR_APP_ROUTES_INVALID: def(500, (file: string, reason: string) =>
    `Invalid routes module ${file}: ${reason}. It must \`export default [ route('GET', '/', view, 'name'), ... ]\`.`),
  TAO_ERR_APP_IMPORT: def(500, (file: string, reason: string) =>
    `Could not import ${file}: ${reason}`),
  TAO_ERR_APP_PACKAGE_NOT_FOUND: def(500, (pkg: string, root: string) =>
    `App package ${q(pkg)} (listed in settings.apps) is not installed in ${root}. Run \`npm install ${pkg}\`, or remove it from settings.apps.`),
  TAO_ERR_APP_NOT_FOUND: def(500, (name: string, known: string, hint: string) =>
    `Unknown app ${q(name)}.${hint} Known apps: ${known}.`),

  // routing
  TAO_ERR_ROUTE_INVALID: def(500, (where: string, reason: string) =>
    `Invalid route ${where}: ${reason}.`),
  TAO_ERR_ROUTE_DUPLICATE_NAME: def(500, (name: string, file: string) =>
    `Route name ${q(name)} is used twice in ${file}. Give each route of an app its own name.`),
  TAO_ERR_ROUTE_CONFLICT: def(500, (route: string, first: string, second: string) =>
    `Route ${route} is declared twice: by ${first} and by ${second}. Change one path or the app's prefix (export const prefix, or settings.prefixes).`),
  TAO_ERR_ROUTE_NOT_FOUND: def(500, (name: string, hint: string) =>
    `No route named ${q(name)}.${hint} Route names are 'app:name'; run \`tao routes\` to list them.`),
  TAO_ERR_ROUTE_MISSING_PARAM: def(500, (name: string, param: string, path: string) =>
    `Route ${q(name)} (${path}) needs the parameter ${q(param)}. Pass it: url(${q(name)}, { ${param}: ... }).`),
  TAO_ERR_ROUTE_UNKNOWN_PARAM: def(500, (name: string, param: string, path: string, known: string) =>
    `Route ${q(name)} (${path}) has no parameter ${q(param)}; its parameters are: ${known}.`),
  TAO_ERR_APP_NOT_STARTED: def(500, (what: string) =>
    `${what} needs a running tao app, and none is started in this process. Use app.url() of the app you created, or reply.redirectTo() in a handler.`),

  // requests
  TAO_ERR_NOT_FOUND: def(404, (method: string, url: string) =>
    `No page at ${method} ${url}. Check the address, or run \`tao routes\` to list the routes.`),

  // websockets and channels
  TAO_ERR_WS_ORIGIN_FORBIDDEN: def(403, (origin: string, path: string) =>
    `Websocket connection to ${path} refused: its Origin ${q(origin)} is not one of settings.allowedHosts (cross-site websocket hijacking guard). If this site should accept it, add the host to settings.allowedHosts ('.example.com' also allows its subdomains).`),
  TAO_ERR_WS_UPGRADE_REQUIRED: def(426, (path: string) =>
    `${path} is a websocket endpoint. Connect to it with a websocket client (new WebSocket('ws://HOST${path}')), not a plain HTTP request.`),
  TAO_ERR_WS_CHANNEL_INVALID: def(500, (call: string, reason: string) =>
    `Invalid call ${call}: ${reason}.`),
  TAO_ERR_WS_TRANSPORT_INVALID: def(500, (reason: string) =>
    `Invalid channel transport: ${reason}. settings.websocket.transport is 'auto', 'memory', 'cluster', or a function returning { publish(group, payload), subscribe(handler), close() }.`),

  // cli
  TAO_ERR_CLI_INVALID_NAME: def(2, (kind: string, name: string, reason: string) =>
    `Invalid ${kind} name ${q(name)}: ${reason}.`),
  TAO_ERR_CLI_TARGET_EXISTS: def(2, (path: string) =>
    `${path} already exists; nothing was written. Choose another name, or remove it first.`),
  TAO_ERR_CLI_NOT_A_PROJECT: def(2, (dir: string) =>
    `${dir} is not a tao project (no settings.ts and apps/ folder); nothing was written. Run \`tao new -a\` inside a project made by \`tao new -p NAME\`.`),
  TAO_ERR_CLI_BUILD_FAILED: def(2, (tool: string, status: string) =>
    `${tool} failed (${status}); see its output above. Fix the errors and run \`tao build\` again.`),
} as const

/** Every stable error code of tao. */
export type TaoErrorCode = keyof typeof codes
