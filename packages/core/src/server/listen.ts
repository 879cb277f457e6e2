import cluster from 'node:cluster'
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs'
import { connect } from 'node:net'
import { dirname, resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { taoError } from '../errors/index.js'

/** Where to listen: a port and host, or a unix socket. */
export interface ListenOptions {
  port?: number
  host?: string
  /** Path of a unix socket to listen on instead of host and port. */
  socket?: string
  /** File mode of the socket, e.g. 0o660 (default: settings.server.socketMode, else the umask's). */
  socketMode?: number
}

function answers (path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path)
    probe.once('connect', () => { probe.destroy(); resolve(true) })
    probe.once('error', () => resolve(false))
  })
}

/**
 * Makes `path` free for a unix socket: creates its folder, removes a stale socket file (left by
 * a server that died), and refuses one a live server answers on or a file that is no socket.
 * @throws TAO_ERR_SERVER_SOCKET_IN_USE, TAO_ERR_SERVER_SOCKET_NOT_SOCKET
 */
export async function prepareSocket (path: string): Promise<void> {
  let stat
  try {
    stat = lstatSync(path)
  } catch {
    mkdirSync(dirname(path), { recursive: true })
    return
  }
  if (!stat.isSocket()) throw taoError('TAO_ERR_SERVER_SOCKET_NOT_SOCKET', [path])
  if (await answers(path)) throw taoError('TAO_ERR_SERVER_SOCKET_IN_USE', [path])
  unlinkSync(path)
}

/**
 * Listens on a unix socket (prepared by {@link prepareSocket}, then given its mode) or on host
 * and port. In a cluster worker the primary owns and prepares the socket.
 * Resolves with the address: the socket path, or `http://host:port`.
 * @throws TAO_ERR_SERVER_SOCKET_IN_USE, TAO_ERR_SERVER_SOCKET_NOT_SOCKET, TAO_ERR_SERVER_ADDRESS_IN_USE
 */
export async function listenOn (fastify: FastifyInstance, opts: Required<Pick<ListenOptions, 'port' | 'host'>> & ListenOptions): Promise<string> {
  if (opts.socket) {
    const path = resolve(opts.socket)
    if (cluster.isPrimary) await prepareSocket(path)
    await fastify.listen({ path })
    if (opts.socketMode !== undefined) chmodSync(path, opts.socketMode)
    return path
  }
  try {
    return await fastify.listen({ port: opts.port, host: opts.host })
  } catch (err) {
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      throw taoError('TAO_ERR_SERVER_ADDRESS_IN_USE', [`${opts.host}:${opts.port}`], {}, { cause: err })
    }
    throw err
  }
}
