import { randomUUID } from 'node:crypto'
import { constants, createReadStream } from 'node:fs'
import { copyFile, mkdir, readFile, rename, unlink } from 'node:fs/promises'
import { extname, join, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { taoError } from '../errors/index.js'

/** Where {@link UploadedFile.save} put a file. */
export interface SavedUpload {
  /** Absolute path of the stored file. */
  path: string
  /** The generated file name (random, with the original extension when it is a plain one). */
  name: string
  /** The name the client sent: data to show or keep, never a path. */
  filename: string
  type: string
  size: number
}

const SAFE_EXTENSION = /^\.[a-z0-9]{1,10}$/

/** The extension of a client's file name when it is plain (`.png`, `.pdf`), else ''. */
export function safeExtension (filename: string): string {
  const ext = extname(filename).toLowerCase()
  return SAFE_EXTENSION.test(ext) ? ext : ''
}

export const kDiscard = Symbol('tao.discardUpload')

/**
 * A file of a multipart upload, in `req.body` under its field name. It waits in a temporary
 * file until the response ends; save or read it before replying.
 * @example
 *   const { avatar } = req.body as { avatar?: UploadedFile }
 *   if (avatar) await avatar.save(join(settings.root, 'var/uploads'))
 */
export class UploadedFile {
  /** The form field it came in. */
  readonly field: string
  /** The file name the client sent. Only data: never use it as a path. */
  readonly filename: string
  /** The media type the client declared (not checked against the content). */
  readonly type: string
  /** Size in bytes. */
  readonly size: number
  #path: string
  #saved = false
  #gone = false

  constructor (init: { field: string, filename: string, type: string, size: number, path: string }) {
    this.field = init.field
    this.filename = init.filename
    this.type = init.type
    this.size = init.size
    this.#path = init.path
  }

  #check (): void {
    if (this.#gone) throw taoError('TAO_ERR_FORM_UPLOAD_GONE', [this.filename, 'the response has ended and its temporary file was deleted'])
  }

  /**
   * The content as a stream.
   * @throws TAO_ERR_FORM_UPLOAD_GONE after the response ended.
   */
  stream (): Readable {
    this.#check()
    return createReadStream(this.#path)
  }

  /**
   * The content in memory (mind the size).
   * @throws TAO_ERR_FORM_UPLOAD_GONE after the response ended.
   */
  async buffer (): Promise<Buffer> {
    this.#check()
    return await readFile(this.#path)
  }

  /**
   * Stores the file in `dir` (created if needed) under a generated name: the client's file
   * name never chooses the path. Resolves with where it went.
   * @throws TAO_ERR_FORM_UPLOAD_GONE after the response ended.
   */
  async save (dir: string): Promise<SavedUpload> {
    this.#check()
    const target = resolve(dir)
    await mkdir(target, { recursive: true })
    const name = randomUUID() + safeExtension(this.filename)
    const path = join(target, name)
    if (this.#saved) {
      await copyFile(this.#path, path, constants.COPYFILE_EXCL)
    } else {
      try {
        await rename(this.#path, path)
      } catch (err) {
        // Another file system: copy, then drop the temporary file.
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err
        await copyFile(this.#path, path, constants.COPYFILE_EXCL)
        await unlink(this.#path).catch(() => {})
      }
      this.#path = path
      this.#saved = true
    }
    return { path, name, filename: this.filename, type: this.type, size: this.size }
  }

  /** What JSON.stringify shows (never the temporary path). */
  toJSON (): { field: string, filename: string, type: string, size: number } {
    return { field: this.field, filename: this.filename, type: this.type, size: this.size }
  }

  /** Marks the file gone: its temporary file is being deleted; later reads fail with TAO_ERR_FORM_UPLOAD_GONE. */
  [kDiscard] (): void {
    this.#gone = true
  }
}
