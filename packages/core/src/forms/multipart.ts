import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Multipart, MultipartFile } from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { isTaoError, taoError } from '../errors/index.js'
import { addField, isForbiddenFieldName } from './field-names.js'
import { kDiscard, UploadedFile } from './uploaded-file.js'

/** The temporary files of one request, deleted when its response ends. */
export interface Uploads {
  readonly paths: string[]
  readonly files: UploadedFile[]
}

/** Limits of a multipart body, from settings.forms. */
export interface MultipartLimits {
  maxFields: number
  maxFieldSize: number
  maxFileSize: number
  maxFiles: number
  maxParts: number
}

/** The busboy limits for @fastify/multipart. */
export function busboyLimits (l: MultipartLimits): Record<string, number> {
  return { fields: l.maxFields, fieldSize: l.maxFieldSize, fileSize: l.maxFileSize, files: l.maxFiles, parts: l.maxParts }
}

// Room for the boundary and headers of each part.
const PART_OVERHEAD = 1024

/** The largest multipart body the limits allow: every file and field at its largest. */
export function maxMultipartBody (l: MultipartLimits): number {
  return l.maxFiles * l.maxFileSize + l.maxFields * l.maxFieldSize + l.maxParts * PART_OVERHEAD
}

/** Turns what @fastify/multipart and busboy throw into a TaoError; file system errors stay (500). */
export function clientError (err: unknown, limits: MultipartLimits): unknown {
  if (isTaoError(err)) return err
  const e = err as { code?: string, message?: string, syscall?: string, part?: { fieldname?: string } }
  switch (e.code) {
    case 'FST_PARTS_LIMIT': return taoError('TAO_ERR_FORM_TOO_MANY_PARTS', [limits.maxParts])
    case 'FST_FILES_LIMIT': return taoError('TAO_ERR_FORM_TOO_MANY_FILES', [limits.maxFiles])
    case 'FST_FIELDS_LIMIT': return taoError('TAO_ERR_FORM_TOO_MANY_FIELDS', [limits.maxFields])
    case 'FST_REQ_FILE_TOO_LARGE': return taoError('TAO_ERR_FORM_FILE_TOO_LARGE', [e.part?.fieldname ?? '?', limits.maxFileSize])
    case 'FST_PROTO_VIOLATION': return taoError('TAO_ERR_FORM_FIELD_NAME', ['(a name of Object.prototype)'])
  }
  if (e.syscall !== undefined) return err
  return taoError('TAO_ERR_FORM_MALFORMED', [`the multipart body is malformed (${e.message ?? 'unknown error'})`], {}, { cause: err })
}

/**
 * Reads multipart bodies into `req.body`: fields as strings, files as {@link UploadedFile}s
 * stored in temporary files (on disk, not in memory) that are deleted when the response ends.
 * One instance per app: its temporary folder is made on the first upload and removed by close().
 */
export class MultipartReader {
  readonly #limits: MultipartLimits
  #dir: Promise<string> | null = null

  constructor (limits: MultipartLimits) {
    this.#limits = limits
  }

  /**
   * Parses the body of a multipart request. Each temporary file is listed in `uploads` as soon
   * as it is created, so that it is deleted however the request ends.
   * @throws TaoError 400 or 413 for a body over a limit or malformed.
   */
  async read (req: FastifyRequest, uploads: Uploads): Promise<Record<string, unknown>> {
    const body: Record<string, unknown> = {}
    try {
      for await (const part of req.parts()) {
        // RFC 7578: every part names its field. busboy passes a nameless one on as `undefined`.
        const name: unknown = part.fieldname
        if (typeof name !== 'string' || name === '') {
          throw taoError('TAO_ERR_FORM_MALFORMED', ['a multipart part has no field name (its Content-Disposition needs form-data; name="...")'])
        }
        if (part.type === 'file') await this.#file(part, body, uploads)
        else this.#field(part, body)
      }
    } catch (err) {
      throw clientError(err, this.#limits)
    }
    return body
  }

  #field (part: Exclude<Multipart, MultipartFile>, body: Record<string, unknown>): void {
    const name = part.fieldname
    if (part.fieldnameTruncated || isForbiddenFieldName(name)) throw taoError('TAO_ERR_FORM_FIELD_NAME', [name.slice(0, 100)])
    if (part.valueTruncated) throw taoError('TAO_ERR_FORM_FIELD_TOO_LARGE', [name.slice(0, 100), this.#limits.maxFieldSize])
    addField(body, name, part.value)
  }

  async #file (part: MultipartFile, body: Record<string, unknown>, uploads: Uploads): Promise<void> {
    const name = part.fieldname
    if (isForbiddenFieldName(name)) throw taoError('TAO_ERR_FORM_FIELD_NAME', [name.slice(0, 100)])
    if (part.filename === '') {
      // A file input left empty: browsers send an unnamed, empty part. No file was chosen.
      part.file.resume()
      await new Promise((resolve) => part.file.once('end', resolve))
      return
    }
    const path = join(await this.#tmp(), randomUUID())
    uploads.paths.push(path)
    const out = createWriteStream(path, { flags: 'wx' })
    // busboy would read and drop the rest of an oversized part (gigabytes, if the client says
    // so): the part is cut at the limit, the 413 answered then, and the connection closed.
    part.file.once('limit', () => {
      part.file.destroy(taoError('TAO_ERR_FORM_FILE_TOO_LARGE', [name.slice(0, 100), this.#limits.maxFileSize]))
    })
    try {
      await pipeline(part.file, out)
    } catch (err) {
      // A broken request stream is the client's fault; a failing disk is ours.
      throw (err as { syscall?: string }).syscall !== undefined ? err : clientError(err, this.#limits)
    }
    if (part.file.truncated) throw taoError('TAO_ERR_FORM_FILE_TOO_LARGE', [name.slice(0, 100), this.#limits.maxFileSize])
    const file = new UploadedFile({ field: name, filename: part.filename, type: part.mimetype, size: out.bytesWritten, path })
    uploads.files.push(file)
    addField(body, name, file)
  }

  #tmp (): Promise<string> {
    this.#dir ??= mkdtemp(join(tmpdir(), 'tao-uploads-'))
    return this.#dir
  }

  /** Removes the temporary folder (at app close). */
  async close (): Promise<void> {
    if (this.#dir) await rm(await this.#dir, { recursive: true, force: true })
  }
}

/** Deletes the temporary files of one request (a saved file was moved away: it stays). */
export async function discardUploads (uploads: Uploads): Promise<void> {
  for (const file of uploads.files) file[kDiscard]()
  await Promise.all(uploads.paths.map((p) => unlink(p).catch(() => {})))
}
