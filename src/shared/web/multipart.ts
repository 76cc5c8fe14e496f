import type { Request } from 'express'

/** One file of a multipart/form-data body. */
export interface UploadedFile {
  readonly field: string
  readonly name: string
  readonly content: Buffer
}

export interface MultipartBody {
  readonly fields: Readonly<Record<string, string>>
  readonly files: readonly UploadedFile[]
}

/** The upload was larger than the limit: counted while it streamed in, so no more than the limit is held. */
export class UploadTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The upload is larger than ${limit} bytes`)
    this.name = 'UploadTooLarge'
  }
}

export class BadMultipart extends Error {
  constructor(reason: string) {
    super(`The upload could not be read: ${reason}`)
    this.name = 'BadMultipart'
  }
}

/** Reads the request body, refusing it (and stopping reading) as soon as it passes `limit` bytes. */
export function readBody(req: Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > limit) {
      req.resume()
      reject(new UploadTooLarge(limit))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > limit) {
        done = true
        chunks.length = 0
        req.resume()
        reject(new UploadTooLarge(limit))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks))
    })
    req.on('error', (error) => {
      if (!done) reject(error)
    })
  })
}

/** A file name as the browser sent it, reduced to its last path part and printable characters. */
function safeFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? ''
  // Control characters removed (code points below 32, and DEL).
  const printable = [...last].filter((c) => c.charCodeAt(0) >= 32 && c.charCodeAt(0) !== 127).join('')
  return printable.slice(0, 200) || 'upload'
}

/**
 * A small multipart/form-data parser (RFC 7578) for the import form: text fields and files, all in memory
 * (the body is already capped by `readBody`). No dependency: the form has a handful of parts.
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartBody {
  const match = /boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType)
  const boundary = match?.[1] ?? match?.[2]
  if (!boundary) throw new BadMultipart('no boundary')
  const delimiter = Buffer.from(`--${boundary}`)
  const fields: Record<string, string> = {}
  const files: UploadedFile[] = []
  let position = body.indexOf(delimiter)
  if (position < 0) throw new BadMultipart('no parts')
  for (;;) {
    position += delimiter.length
    // `--` after a delimiter ends the body.
    if (body.subarray(position, position + 2).toString() === '--') break
    if (body.subarray(position, position + 2).toString() !== '\r\n') throw new BadMultipart('malformed delimiter')
    position += 2
    const headerEnd = body.indexOf('\r\n\r\n', position)
    if (headerEnd < 0) throw new BadMultipart('malformed part headers')
    const headers = body.subarray(position, headerEnd).toString('utf8')
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4)
    if (next < 0) throw new BadMultipart('unterminated part')
    const content = body.subarray(headerEnd + 4, next)
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1] ?? ''
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1]
    const fileName = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1]
    if (name === undefined) throw new BadMultipart('a part has no name')
    if (fileName !== undefined) {
      // A file input left empty still sends a part, with an empty file name and no content.
      if (fileName !== '' || content.length > 0) files.push({ field: name, name: safeFileName(fileName), content })
    } else if (!Object.hasOwn(fields, name)) {
      fields[name] = content.toString('utf8')
    }
    position = next + 2
    if (Object.keys(fields).length + files.length > 50) throw new BadMultipart('too many parts')
  }
  return { fields, files }
}
