/**
 * The one registry of tao's error codes. Each entry: the HTTP status a request failing with
 * it answers (500 for developer setup errors found at boot) and the message, built from
 * typed arguments: what went wrong, where, and how to fix it. Codes are never renamed or
 * reused; docs/reference/errors.md lists every one (a test keeps them in step).
 */
const def = <A extends unknown[]>(status: number, message: (...args: A) => string) => ({ status, message })

const q = (s: string) => `'${s}'`
/** The shell command that prints a fresh secret key, in backquotes, for messages. */
export const MAKE_KEY = '`node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'hex\'))"`'

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

  // templates
  TAO_ERR_TEMPLATE_NOT_FOUND: def(500, (name: string, tried: readonly string[]) =>
    `Template ${q(name)} not found. Tried: ${tried.join(', ')}. Create one of these files, or check the name ('app:path' for an app's templates, a plain 'path' for the project's templates/).`),
  TAO_ERR_TEMPLATE_SYNTAX: def(500, (file: string, line: number, column: number, reason: string) =>
    `Template syntax error in ${file} at line ${line}, column ${column}: ${reason}. Fix the tag there: tags look like {% if x %}...{% endif %}, values like {{ x }}.`),
  TAO_ERR_TEMPLATE_RENDER: def(500, (file: string, line: number, column: number, reason: string) =>
    `Error while rendering ${file} at line ${line}, column ${column}: ${reason}`),
  TAO_ERR_TEMPLATE_GLOBAL_CONFLICT: def(500, (name: string, first: string, second: string) =>
    `Template global ${q(name)} is defined twice: by ${first} and by ${second}. Rename one of them (docs/reference/templates.md lists the names tao provides).`),
  TAO_ERR_TEMPLATE_NOT_READY: def(500, (fn: string) =>
    `${fn}() was called on a Fastify instance without tao's templates plugin. Call it from a plugin registered inside a tao app, after 'tao:templates' (with fastify-plugin, list 'tao:templates' in dependencies).`),
  TAO_ERR_TEMPLATE_ASYNC: def(500, (file: string) =>
    `Template ${file} did not render synchronously (an async filter or extension?). tao renders templates synchronously: compute async values in the handler and pass them in the context.`),

  // static files
  TAO_ERR_STATIC_NOT_FOUND: def(500, (name: string, tried: readonly string[]) =>
    `Static file ${q(name)} not found. Tried: ${tried.join(', ')}. Create the file, or check the name ('app:path' for apps/<app>/static/, a plain 'path' for the project's static/).`),
  TAO_ERR_STATIC_OUT_INVALID: def(2, (out: string, reason: string) =>
    `Cannot collect static files into ${out}: ${reason}; nothing was written. Choose a folder outside every app and the project's static/ (default: var/static).`),

  // requests
  TAO_ERR_NOT_FOUND: def(404, (method: string, url: string) =>
    `No page at ${method} ${url}. Check the address, or run \`tao routes\` to list the routes.`),
  TAO_ERR_PAGE_NOT_FOUND: def(404, (message: string) => message),

  // sessions
  TAO_ERR_SESSION_KEY_MISSING: def(500, () =>
    'No secret key: settings.secretKey and TAO_SECRET_KEY are both empty, and outside debug mode tao will not start without one (sessions would not survive a restart or be shared by workers). ' +
    `Make a key with ${MAKE_KEY} and set it as TAO_SECRET_KEY (in .env, or in the service's environment).`),
  TAO_ERR_SESSION_KEY_INVALID: def(500, (setting: string, reason: string) =>
    `${setting} is not a valid secret key: ${reason}. A key is 32 random bytes written as 64 hex characters (or 44 base64 characters); make one with ${MAKE_KEY}.`),
  TAO_ERR_SESSION_TOO_LARGE: def(500, (bytes: number, limit: number, largest: string) =>
    `The session is too large for its cookie: ${bytes} bytes once encrypted, and browsers keep at most ${limit}. ${largest}Store less in req.session (an id, not a whole record; big data belongs in the database). The previous session cookie was kept.`),
  TAO_ERR_SESSION_FLASH_INVALID: def(500, (reason: string) =>
    `Invalid flash message: ${reason}. Call req.flash(level, text) with a level of 'debug', 'info', 'success', 'warning' or 'error' and a string text.`),

  // CSRF
  TAO_ERR_CSRF_TOKEN_MISSING: def(403, (method: string, url: string) =>
    `${method} ${url} was refused: it carries no CSRF token. A form must include the hidden field of csrf_field(); a script sends the token in the X-CSRF-Token header. An API with its own authentication can opt out: route(..., { csrf: false }).`),
  TAO_ERR_CSRF_SESSION_MISSING: def(403, (method: string, url: string) =>
    `${method} ${url} was refused: its CSRF token cannot be checked, because the session holds no CSRF secret (the session cookie is missing or expired, was renewed at a login or logout, or cookies are blocked). Reload the page with the form and submit it again.`),
  TAO_ERR_CSRF_TOKEN_INVALID: def(403, (method: string, url: string) =>
    `${method} ${url} was refused: its CSRF token does not match this session. The page was made for an older session (for example before a login or logout) or the request came from another site. Reload the page and submit it again.`),

  // forms and uploads
  TAO_ERR_FORM_MALFORMED: def(400, (reason: string) =>
    `The request body could not be read: ${reason}. Send a well-formed form (urlencoded or multipart/form-data) or JSON body.`),
  TAO_ERR_FORM_FIELD_NAME: def(400, (name: string) =>
    `The form field name ${q(name)} is not allowed: names such as __proto__, constructor and prototype could alter objects built from the form. Rename the field.`),
  TAO_ERR_FORM_TOO_MANY_FIELDS: def(400, (limit: number) =>
    `The form has more than ${limit} fields (settings.forms.maxFields). Send fewer fields, or raise the limit.`),
  TAO_ERR_FORM_FIELD_TOO_LARGE: def(413, (name: string, limit: number) =>
    `The form field ${q(name)} is larger than ${limit} bytes (settings.forms.maxFieldSize). Send less, or raise the limit.`),
  TAO_ERR_FORM_FILE_TOO_LARGE: def(413, (name: string, limit: number) =>
    `The uploaded file ${q(name)} is larger than ${limit} bytes (settings.forms.maxFileSize). Upload a smaller file, or raise the limit.`),
  TAO_ERR_FORM_TOO_MANY_FILES: def(413, (limit: number) =>
    `The upload has more than ${limit} files (settings.forms.maxFiles). Upload fewer files at once, or raise the limit.`),
  TAO_ERR_FORM_TOO_MANY_PARTS: def(413, (limit: number) =>
    `The multipart body has more than ${limit} parts (settings.forms.maxParts). Send fewer fields and files, or raise the limit.`),
  TAO_ERR_FORM_UPLOAD_GONE: def(500, (filename: string, reason: string) =>
    `The uploaded file ${q(filename)} is no longer available: ${reason}. Save or read an upload once, before the handler replies (temporary files are deleted when the response ends).`),

  // hosts
  TAO_ERR_HOST_NOT_ALLOWED: def(400, (host: string, hint: string) =>
    `This site does not answer to the host ${q(host)}. ${hint}`),
  TAO_ERR_HOST_INVALID: def(400, (host: string) =>
    `The Host header ${q(host)} is not a valid host name. Send a host such as 'example.com', 'example.com:8080' or '[::1]:8080'.`),
  // database
  TAO_ERR_DB_URL_INVALID: def(500, (url: string, reason: string) =>
    `Invalid database URL ${q(url)} (settings.database.url or TAO_DATABASE_URL): ${reason}. Use 'mongodb://host:27017', 'mongodb+srv://cluster.example.net' or 'memory'; remove it to use the embedded store in var/db.`),
  TAO_ERR_DB_UNREACHABLE: def(500, (host: string, timeoutMs: number, reason: string) =>
    `Could not reach the database at ${host} within ${timeoutMs} ms (${reason}). Start the database server, or fix settings.database.url / TAO_DATABASE_URL (remove it to use the embedded store in var/db). Set database.requireOnStart: false to start anyway and answer 503 until it is reachable.`),
  TAO_ERR_DB_UNAVAILABLE: def(503, (host: string, reason: string) =>
    `The database at ${host} is unavailable (${reason}). Requests that use it answer 503 until it is back; check that the database server is running and reachable.`),
  TAO_ERR_DB_NOT_READY: def(500, (what: string) =>
    `${what} is not available yet: the database connects when the app starts. Use it after \`await app.ready()\` (or in a handler, service or script run by the app).`),

  // embedded database (raised by @tao/embedded-mongo, re-raised as TaoErrors with the same code and message)
  TAO_ERR_EMBEDDED_OPTIONS: def(500, (message: string) => message),
  TAO_ERR_EMBEDDED_DIR: def(500, (message: string) => message),
  TAO_ERR_EMBEDDED_LOCKED: def(500, (message: string) => message),
  TAO_ERR_EMBEDDED_LISTEN: def(500, (message: string) => message),
  TAO_ERR_EMBEDDED_CORRUPT: def(500, (message: string) => message),
  TAO_ERR_EMBEDDED_FORMAT: def(500, (message: string) => message),
  TAO_ERR_EMBEDDED_IO: def(500, (message: string) => message),
  // websockets and channels
  TAO_ERR_WS_ORIGIN_FORBIDDEN: def(403, (origin: string, path: string) =>
    `Websocket connection to ${path} refused: its Origin ${q(origin)} is not one of settings.allowedHosts (cross-site websocket hijacking guard). If this site should accept it, add the host to settings.allowedHosts ('.example.com' also allows its subdomains), or the origin to settings.csrf.trustedOrigins.`),
  TAO_ERR_WS_UPGRADE_REQUIRED: def(426, (path: string) =>
    `${path} is a websocket endpoint. Connect to it with a websocket client (new WebSocket('ws://HOST${path}')), not a plain HTTP request.`),
  TAO_ERR_WS_CHANNEL_INVALID: def(500, (call: string, reason: string) =>
    `Invalid call ${call}: ${reason}.`),
  TAO_ERR_WS_TRANSPORT_INVALID: def(500, (reason: string) =>
    `Invalid channel transport: ${reason}. settings.websocket.transport is 'auto', 'memory', 'cluster', 'redis', or a function returning { publish(group, payload), subscribe(handler), close() }.`),

  // services
  TAO_ERR_SERVICE_INVALID: def(500, (where: string, reason: string) =>
    `Invalid service in ${where}: ${reason}. apps/<app>/services.ts must \`export default [ service('name', { start, stop }), periodic('name', { every: '1m' }, fn) ]\`.`),
  TAO_ERR_SERVICE_DUPLICATE: def(500, (name: string, file: string) =>
    `Service name ${q(name)} is used twice in ${file}. Give each service of an app its own name.`),
  TAO_ERR_SERVICE_START_FAILED: def(500, (name: string, reason: string, stopped: string) =>
    `Service ${q(name)} failed to start: ${reason}. ${stopped} Fix the cause (the service's start() threw or timed out), or set services.enabled: false to start without services.`),

  // server: listening, shutdown, workers
  TAO_ERR_SERVER_SOCKET_IN_USE: def(500, (path: string) =>
    `The unix socket ${path} is in use: another server answers on it. Stop that server first, or listen on another path with --socket or settings.server.socket.`),
  TAO_ERR_SERVER_SOCKET_NOT_SOCKET: def(500, (path: string) =>
    `${path} exists and is not a unix socket; tao will not remove it. Choose another --socket path, or remove the file yourself.`),
  TAO_ERR_SERVER_ADDRESS_IN_USE: def(500, (address: string) =>
    `${address} is already in use by another process. Stop it, or choose another port with --port or settings.server.port.`),
  TAO_ERR_SERVER_WORKER_BOOT: def(500, (worker: string, how: string) =>
    `Worker ${worker} failed to boot (${how}); its own error is printed above. Fix it and start again; no worker was left running.`),
  // server: faults (issue #12)
  TAO_ERR_SERVER_HANDLER_TIMEOUT: def(503, (route: string, ms: number) =>
    `${route} did not start its answer within ${ms} ms, so it was answered 503 and its req.signal aborted. Make the handler faster (pass req.signal to the driver's reads and to fetch), or give the route a longer timeout: route(..., { timeout: '60s' }), or settings.server.handlerTimeout.`),
  TAO_ERR_DB_TIMEOUT: def(503, (route: string, limit: string, host: string) =>
    `${route} waited on the database at ${host} longer than ${limit}, so its operation was cancelled and the request answered 503. Make the query faster (an index, a smaller result), or give the route a longer database deadline: route(..., { dbTimeout: '30s' }), or settings.database.timeout.`),

  // cli
  TAO_ERR_CLI_INVALID_NAME: def(2, (kind: string, name: string, reason: string) =>
    `Invalid ${kind} name ${q(name)}: ${reason}.`),
  TAO_ERR_CLI_TARGET_EXISTS: def(2, (path: string) =>
    `${path} already exists; nothing was written. Choose another name, or remove it first.`),
  TAO_ERR_CLI_NOT_A_PROJECT: def(2, (dir: string) =>
    `${dir} is not a tao project (no settings.ts and apps/ folder); nothing was written. Run \`tao new -a\` inside a project made by \`tao new -p NAME\`.`),
  TAO_ERR_CLI_INVALID_OPTION: def(2, (option: string, value: string, expected: string) =>
    `Invalid value ${q(value)} for ${option}: expected ${expected}.`),
  TAO_ERR_CLI_BUILD_FAILED: def(2, (tool: string, status: string) =>
    `${tool} failed (${status}); see its output above. Fix the errors and run \`tao build\` again.`),
  TAO_ERR_BUILD_STALE: def(500, (file: string) =>
    `${file} is not in the server bundle \`tao build\` made (build/.tao-server): the build is older than the project. Run \`tao build\` again, or start with \`tao start --no-bundle\`.`),
  // auth (the built-in app) and mail
  TAO_ERR_AUTH_NOT_ENABLED: def(500, (what: string) =>
    `${what} needs the built-in app 'auth', which is off. Turn it on with \`auth: true\` in settings.ts (see docs/reference/auth.md).`),
  TAO_ERR_AUTH_USER_INVALID: def(400, (reason: string) =>
    `Invalid user: ${reason}`),
  TAO_ERR_AUTH_USER_EXISTS: def(400, (field: string, value: string) =>
    `A user with the ${field} ${q(value)} already exists (${field}s are unique, ignoring case). Choose another ${field}.`),
  TAO_ERR_AUTH_USER_NOT_FOUND: def(404, (who: string) =>
    `No user ${q(who)}. Check the username (\`tao createuser\` makes one).`),
  TAO_ERR_AUTH_USER_INACTIVE: def(400, (who: string) =>
    `User ${q(who)} is inactive or gone and cannot log in. Set isActive: true on the user first.`),
  TAO_ERR_AUTH_PASSWORD_INVALID: def(400, (problems: string[]) =>
    `The password was refused: ${problems.join(' ')}`),
  TAO_ERR_AUTH_LOGIN_REQUIRED: def(401, (path: string) =>
    `${path} needs a logged-in user. Log in first (POST the login form at the auth app's login page).`),
  TAO_ERR_AUTH_PERMISSION_DENIED: def(403, (path: string, needed: string) =>
    `${path} needs ${needed}, which the logged-in user does not have. Ask an administrator for it.`),
  TAO_ERR_AUTH_THROTTLED: def(429, (seconds: number) =>
    `Too many failed logins for this account or from this address. Try again in ${seconds} seconds.`),
  TAO_ERR_AUTH_TOKEN_INVALID: def(400, () =>
    'This password-reset link is invalid: it has expired, was already used, or the password changed since. Ask for a new one.'),
  TAO_ERR_MAIL_URL_INVALID: def(500, (url: string, reason: string) =>
    `Invalid settings.mail.url ${q(url)}: ${reason}. Use 'console', 'file', 'memory' or 'smtp://user:pass@host:587' (see docs/reference/mail.md).`),
  TAO_ERR_MAIL_INVALID: def(500, (reason: string) =>
    `Cannot send this mail: ${reason}. Give sendMail() at least \`to\`, \`subject\` and one of \`text\`, \`html\` or \`template\`.`),
  TAO_ERR_MAIL_SEND_FAILED: def(500, (backend: string, reason: string) =>
    `The ${backend} mail backend could not send: ${reason}. Check settings.mail.url and that the mail server is reachable.`),

  // languages: catalogs and messages (i18n/)
  TAO_ERR_I18N_CATALOG_INVALID: def(500, (file: string, key: string, reason: string) =>
    `Invalid translation catalog ${file}, key ${q(key)}: ${reason}. Catalogs are JSON objects of "source text": "translation" in ICU MessageFormat (see docs/reference/i18n.md).`),
  TAO_ERR_I18N_LANGUAGE_UNKNOWN: def(2, (lang: string, known: string) =>
    `Unknown language ${q(lang)}: this site is served in ${known}.`),

  // models: typed, validated collections (apps/<app>/models.ts)
  TAO_ERR_MODEL_DEFINITION: def(500, (name: string, reason: string) =>
    `Invalid model ${q(name)}: ${reason}. Declare it as defineModel('app:model', { schema: Type.Object({ ... }) }).`),
  TAO_ERR_MODEL_MODULE_INVALID: def(500, (file: string, reason: string) =>
    `Invalid models module ${file}: ${reason}. Export each model made by defineModel('<this app>:<model>', ...).`),
  TAO_ERR_MODEL_SOURCE: def(500, (name: string) =>
    `${q(name)}.of(source) got no database: pass a request (req), the TaoApp, a service ctx, or a Db.`),
  TAO_ERR_MODEL_INVALID: def(400, (name: string, fields: Record<string, string>) =>
    `Invalid ${q(name)} document: ${Object.entries(fields).map(([f, m]) => `${f || '(document)'}: ${m}`).join(' ')} Fix these fields (details.fields lists them).`),
  TAO_ERR_MODEL_DUPLICATE: def(409, (name: string, fields: string[]) =>
    `A ${q(name)} document with the same ${fields.join(', ')} already exists (a unique index refused it). Choose another value.`),

  // migrations: apps/<app>/migrations/NNNN_name.ts, `tao migrate`, the models' indexes
  TAO_ERR_MIGRATION_INVALID: def(500, (file: string, reason: string) =>
    `Invalid migration ${file}: ${reason}. A migration is apps/<app>/migrations/NNNN_name.ts exporting \`async function up (db) { ... }\` (and optionally down).`),
  TAO_ERR_MIGRATION_FAILED: def(500, (name: string, file: string, reason: string) =>
    `Migration ${q(name)} (${file}) failed: ${reason}. The migrations before it stay applied; nothing after it ran. Fix it and run \`tao migrate\` again.`),
  TAO_ERR_MIGRATION_LOCKED: def(500, (holder: string, seconds: number) =>
    `Another \`tao migrate\` (${holder}) still holds the migration lock after ${seconds} s of waiting. Let it finish and run again; a lock left by a dead process expires by itself within 30 s.`),
  TAO_ERR_MIGRATION_INDEX: def(500, (index: string, reason: string) =>
    `MongoDB refused to create index ${index}: ${reason}. An index of that name with other options exists (drop it with \`tao migrate --prune\` after renaming the declaration), or the data breaks a new unique index (fix the duplicates first).`),
  TAO_ERR_MIGRATION_PENDING: def(500, (names: string[]) =>
    `${names.length} migration(s) are not applied: ${names.join(', ')}. Run \`tao migrate\` before \`tao start\`, or set migrations.allowPending: true to start anyway.`),

  // fixtures: tao dumpdata / loaddata (MongoDB Extended JSON)
  TAO_ERR_FIXTURE_MALFORMED: def(400, (file: string, where: string, reason: string) =>
    `Fixture ${file} is not valid${where}: ${reason}. A fixture is Extended JSON: { "blog:posts": [ { ... } ] }, as \`tao dumpdata\` writes it.`),
  TAO_ERR_FIXTURE_UNKNOWN_MODEL: def(400, (where: string, name: string, known: string, hint: string) =>
    `Unknown model ${q(name)} in ${where}.${hint} Known models: ${known}. Names are 'app:model' (\`tao models\` lists them).`),
  TAO_ERR_FIXTURE_INVALID: def(400, (file: string, model: string, index: number, fields: Record<string, string>) =>
    `Fixture ${file}: document ${index} of ${q(model)} does not match the model: ${Object.entries(fields).map(([f, m]) => `${f || '(document)'}: ${m}`).join(' ')} Nothing was loaded; fix the document.`),

  // pagination
  TAO_ERR_PAGINATION_INVALID: def(400, (param: string, value: string) =>
    `Invalid ${q(param)} ${q(value)}: a page is a whole number from 1 (or a position from a page link). Use the links of the page list.`),
  TAO_ERR_PAGINATION_OUT_OF_RANGE: def(404, (page: number, pages: number) =>
    `Page ${page} does not exist: there ${pages === 1 ? 'is 1 page' : `are ${pages} pages`}.`),

  // typed route validation: route(..., { schema: { querystring, params, body } })
  TAO_ERR_ROUTE_VALIDATION: def(400, (part: string, fields: Record<string, string>) =>
    `Invalid request ${part}: ${Object.entries(fields).map(([f, m]) => `${f}: ${m}`).join(' ')}`),

  // admin: the built-in app `admin`
  TAO_ERR_ADMIN_REQUIRES_AUTH: def(500, () =>
    'settings.admin is on but settings.auth is off: the admin signs staff in through the auth app. Turn auth on too (auth: true), or turn admin off.'),
  TAO_ERR_ADMIN_REGISTRATION_INVALID: def(500, (file: string, reason: string) =>
    `Invalid admin registration in ${file}: ${reason}. An app's admin.ts exports \`default [ registerAdmin(Model, { list: ['title'] }) ]\` (see docs/reference/admin.md).`),
  TAO_ERR_ADMIN_NOT_FOUND: def(404, (what: string, name: string) =>
    `No ${what} ${q(name)} in the admin. It may have been deleted, or the link is wrong; go back to the list.`),
  TAO_ERR_ADMIN_PERMISSION_DENIED: def(403, (what: string) =>
    `You may not do this: it needs ${what}. Ask a superuser to give it to you (or to one of your groups).`),
  TAO_ERR_ADMIN_FILTER_INVALID: def(400, (reason: string) =>
    `Invalid filter: ${reason}. Write the filter as Extended JSON, e.g. {"status": "draft", "at": {"$gte": {"$date": "2026-01-01T00:00:00Z"}}}.`),
  TAO_ERR_ADMIN_DOCUMENT_INVALID: def(400, (reason: string) =>
    `Invalid document: ${reason}. Edit the Extended JSON shown (keep {"$oid": ...}, {"$date": ...} and {"$numberDecimal": ...} wrappers to keep the types).`),
  TAO_ERR_ADMIN_ACTION_UNKNOWN: def(400, (action: string, model: string) =>
    `Unknown action ${q(action)} on ${q(model)}. Pick one of the actions offered above the list.`),
  TAO_ERR_ADMIN_QUERY_INVALID: def(400, (param: string, reason: string) =>
    `Invalid list parameter ${q(param)}: ${reason}. Use the links and forms of the list page to build it.`),

  // request safety, second pass (issue #13)
  TAO_ERR_TEMPLATE_OUTPUT_TOO_LARGE: def(500, (limit: number) =>
    `A template render produced more than ${limit} characters (settings.templates.maxOutput) and was stopped, so one render cannot hold the server for seconds. Render less (paginate, truncate large values), or raise settings.templates.maxOutput.`),
  TAO_ERR_FORM_BODY_TOO_LARGE: def(413, (length: number, limit: number, what: string) =>
    `The request body declares ${length} bytes (Content-Length), more than the ${limit} bytes ${what} accepts; it was refused before reading. Send less, or raise the limit (settings.forms for uploads, settings.server.bodyLimit for other bodies).`),
  TAO_ERR_CSRF_ORIGIN_FORBIDDEN: def(403, (method: string, url: string, origin: string) =>
    `${method} ${url} was refused by the CSRF Origin check: its Origin ${q(origin)} is neither this site nor one of settings.csrf.trustedOrigins. If that origin is yours, add it to settings.csrf.trustedOrigins (e.g. 'https://app.example.com').`),
  TAO_ERR_CSRF_REFERER_MISSING: def(403, (method: string, url: string) =>
    `${method} ${url} was refused by the CSRF Referer check: an HTTPS request without an Origin header must carry a Referer, and this one has none. Let the browser send it (Referrer-Policy: same-origin or strict-origin-when-cross-origin, tao's default), or send an Origin header.`),
  TAO_ERR_CSRF_REFERER_FORBIDDEN: def(403, (method: string, url: string, reason: string) =>
    `${method} ${url} was refused by the CSRF Referer check: ${reason}. Submit the form from this site's own pages, or add the origin of the page to settings.csrf.trustedOrigins.`),
  TAO_ERR_SESSION_KEY_WEAK: def(500, (setting: string, reason: string) =>
    `${setting} is a low-entropy secret key (${reason}): anyone could guess it and forge sessions, so tao does not start with it outside debug mode. Make a random key with ${MAKE_KEY} and set it as TAO_SECRET_KEY.`),
  TAO_ERR_REPLY_HEADER_INVALID: def(500, (route: string, header: string) =>
    `The handler of ${route} set the response header ${q(header)} to a value HTTP forbids (a CR, LF or NUL character, or a character above U+00FF; a redirect target is a Location header). Validate or encode the value first, e.g. encodeURI() for a URL, and never copy request input into a header unchecked.`),

  // cli: projects outside the checkout (issue 11)
  TAO_ERR_CLI_INSIDE_CHECKOUT: def(2, (dir: string) =>
    `${dir} is inside tao's own checkout; a project made here would hide its missing dependencies behind the checkout's node_modules. Nothing was written. Run \`tao new -p NAME\` from a folder outside the checkout (put \`tao\` on your PATH with \`npm run setup\` in the checkout).`),
  TAO_ERR_CLI_NEW_KIND: def(2, (name: string) =>
    `\`tao new ${name}\` does not say what to create; nothing was written. Did you mean \`tao new -p ${name}\` (a project in ./${name}) or \`tao new -a ${name}\` (an app in apps/${name} of the current project)?`),
  TAO_ERR_CLI_VENDOR_FAILED: def(500, (step: string, reason: string) =>
    `Could not ${step}: ${reason}. Run the command again from a tao checkout whose packages are built (\`npm ci\` in the checkout), or pass --tao-version to depend on a published tao.`),

  // websocket clients held by services (issue 18)
  TAO_ERR_WS_CLIENT_INVALID: def(500, (where: string, reason: string) =>
    `Invalid websocket client in ${where}: ${reason}. Call it as connectWebsocket('ws://host:port/path', { onMessage, reconnect, heartbeat, queue }) (in a service: ctx.connect(url, options)); see docs/reference/services.md.`),
  TAO_ERR_WS_CLIENT_CLOSED: def(500, (url: string) =>
    `The websocket client to ${url} is closed (its service stopped, its signal aborted, or close() was called), so it sends nothing more. Make a new client, or stop sending once ctx.signal aborts.`),
  TAO_ERR_WS_CLIENT_QUEUE_FULL: def(503, (url: string, max: number) =>
    `The send queue of the websocket client to ${url} is full (${max} messages waiting while the connection is down or the peer reads slowly), and its queue.overflow is 'error'. Send less often, raise queue.max, or choose queue.overflow 'drop-oldest' or 'drop-newest'.`),
  // cache and rate limits (issue #18)
  TAO_ERR_CACHE_TTL_INVALID: def(500, (where: string, given: string) =>
    `Invalid cache lifetime ${given} in ${where}: it must be a duration (milliseconds, or a string such as '30s' or '5m'; 0 keeps the entry until it is evicted).`),
  TAO_ERR_CACHE_KEY_INVALID: def(500, (where: string, reason: string) =>
    `Invalid cache key in ${where}: ${reason}. Keys are non-empty strings of at most 1000 characters, such as 'post:' + slug.`),
  TAO_ERR_CACHE_VALUE_INVALID: def(500, (key: string, reason: string) =>
    `Cannot cache the value of ${q(key)}: ${reason}. Cached values are stored as Extended JSON (plain objects, arrays, strings, numbers, booleans, null, Dates, ObjectIds); convert the value first, or return null instead of undefined.`),
  TAO_ERR_CACHE_UNAVAILABLE: def(503, (op: string, key: string, reason: string) =>
    `The cache could not ${op} ${q(key)}: ${reason}. The cache's Redis server is unreachable; the entry may still be there, so retry once it is back (reads and writes meanwhile are misses, logged).`),
  TAO_ERR_CACHE_NOT_READY: def(500, (what: string) =>
    `${what} needs the cache concern (tao:cache), which this server does not have. Use it from a tao app: in a request (req.cache, a rate limit's check(req)) or through app.cache().`),
  TAO_ERR_CACHE_TAG_INVALID: def(500, (reason: string) =>
    `Invalid {% cache %} tag: ${reason}. Write it as {% cache "name", 60 %}...{% endcache %}: a key (string) and a lifetime in seconds, optionally followed by values that vary the key: {% cache "sidebar", 300, user.id %}.`),
  TAO_ERR_ROUTE_CACHE_INVALID: def(500, (where: string, reason: string) =>
    `Invalid cache option on route ${where}: ${reason}. Response caching is for pages that only read: route('GET', path, view, { cache: { ttl: '60s' } }).`),
  TAO_ERR_RATE_LIMITED: def(429, (retryAfter: number) =>
    `Too many requests: this limit allows no more for now. Retry in ${retryAfter} second${retryAfter === 1 ? '' : 's'} (the Retry-After header says the same).`),
  TAO_ERR_RATE_LIMIT_INVALID: def(500, (where: string, reason: string) =>
    `Invalid rate limit ${where}: ${reason}. Write it as { max: 10, window: '1m' } (at most max requests per window and key; key defaults to the client address).`),
  // redis: the shared broker across machines (issue #18)
  TAO_ERR_REDIS_URL_INVALID: def(500, (what: string) =>
    `Invalid Redis URL given to ${what}. Use 'redis://host:6379', 'rediss://user:password@host:6380/0' (TLS) or 'unix:///path/to/redis.sock'.`),
  TAO_ERR_REDIS_NOT_CONFIGURED: def(500, (what: string) =>
    `${what} needs Redis, and no Redis URL is set. Set settings.redis.url (or TAO_REDIS_URL), e.g. 'redis://127.0.0.1:6379'; see docs/reference/redis.md.`),
  TAO_ERR_REDIS_UNAVAILABLE: def(503, (where: string, reason: string) =>
    `Redis at ${where} is unavailable (${reason}). tao reconnects on its own; check that redis-server is running and reachable, and settings.redis.url / TAO_REDIS_URL.`),
  // debug toolbar (issue 21)
  TAO_ERR_DEBUG_REQUEST_GONE: def(404, (id: string) =>
    `The debug toolbar has no request ${q(id)}: it keeps the last 50 requests of the process, in memory, and this one is older or from before a restart. Open the page again and use its toolbar.`),
  TAO_ERR_DEBUG_EXPLAIN_UNAVAILABLE: def(404, (id: string, index: string) =>
    `Request ${q(id)} has no command ${q(index)} that explain can run: only the recorded find, aggregate, count, distinct, update, delete and findAndModify commands of a request are explained. Use the Explain buttons of the Database panel.`),
} as const

/** Every stable error code of tao. */
export type TaoErrorCode = keyof typeof codes
