import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { after, before, beforeEach, describe, it } from 'node:test'
import type { Request } from 'express'
import { receiveMultipart } from './multipart.ts'

const LIMIT = 4 * 1024 * 1024

/** What the test server saw of a form: each file as stored on disk, read back before the form is discarded. */
interface Seen {
  readonly error?: string
  readonly fields?: Record<string, string>
  readonly files?: { keys: string[]; field: string; name: string; size: number; content: string; inForm: boolean }[]
}

describe('multipart forms are received to disk as they stream in', () => {
  let directory: string
  let server: http.Server
  let base: string

  before(async () => {
    server = http.createServer((req, res) => {
      void (async () => {
        try {
          const form = await receiveMultipart(req as unknown as Request, { directory, limit: LIMIT })
          const files = await Promise.all(
            form.files.map(async (f) => ({
              keys: Object.keys(f).sort(),
              field: f.field,
              name: f.name,
              size: f.size,
              content: (await readFile(f.path)).toString('utf8'),
              inForm: path.dirname(f.path) === form.folder && path.dirname(form.folder) === directory,
            })),
          )
          await form.discard()
          res.end(JSON.stringify({ fields: form.fields, files } satisfies Seen))
        } catch (error) {
          res.statusCode = 400
          res.setHeader('connection', 'close')
          res.end(JSON.stringify({ error: (error as Error).name } satisfies Seen))
        }
      })()
    })
    server.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  beforeEach(async () => {
    if (directory) await rm(directory, { recursive: true, force: true })
    directory = await mkdtemp(path.join(os.tmpdir(), 'saferhub-multipart-'))
  })

  after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await rm(directory, { recursive: true, force: true })
  })

  /** Sends a raw body (chunks written in turn, each after `beforeChunk` resolves); resolves with the answer. */
  function send(
    body: readonly (string | Buffer)[],
    headers: Record<string, string>,
    beforeChunk: (index: number) => Promise<void> = async () => {},
  ): Promise<Seen> {
    return new Promise((resolve, reject) => {
      const request = http.request(base, { method: 'POST', headers })
      let answered = false
      request.on('response', (response) => {
        answered = true
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (text += chunk))
        response.on('end', () => {
          request.destroy()
          resolve(JSON.parse(text) as Seen)
        })
      })
      request.on('error', (error) => (answered ? undefined : reject(error)))
      void (async () => {
        for (const [index, chunk] of body.entries()) {
          await beforeChunk(index)
          if (answered) return
          if (!request.write(chunk)) await new Promise((drained) => request.once('drain', drained))
        }
        if (!answered) request.end()
      })().catch(reject)
    })
  }

  const multipart = { 'content-type': 'multipart/form-data; boundary=XyZ' }
  const filePart = (field: string, name: string) =>
    `--XyZ\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`

  it('gives the handler each file as a path on disk (never its bytes), with the fields', async () => {
    const form = new FormData()
    form.set('kind', 'police-uk')
    form.append('file', new Blob(['month,crime\r\n2020-01,Burglary\r\n']), '2020-01-gwent-street.csv')
    form.append('file', new Blob(['é']), 'C:\\Users\\me\\données.csv')
    const response = await fetch(base, { method: 'POST', body: form })
    const seen = (await response.json()) as Seen
    assert.deepEqual(seen.fields, { kind: 'police-uk' })
    assert.deepEqual(seen.files, [
      {
        keys: ['field', 'name', 'path', 'size'],
        field: 'file',
        name: '2020-01-gwent-street.csv',
        size: 31,
        content: 'month,crime\r\n2020-01,Burglary\r\n',
        inForm: true,
      },
      // The browser's path is cut to its last part; the UTF-8 name and the 2-byte é are kept.
      {
        keys: ['field', 'name', 'path', 'size'],
        field: 'file',
        name: 'données.csv',
        size: 2,
        content: 'é',
        inForm: true,
      },
    ])
    assert.deepEqual(await readdir(directory), [], 'discard removes the form’s folder')
  })

  it('writes a file part to disk while the rest of the body is still to come', async () => {
    const megabyte = Buffer.alloc(1024 * 1024, 0x61)
    let writtenBeforeTheEnd = 0
    const seen = await send(
      [filePart('file', 'big.csv'), megabyte, megabyte, '\r\n--XyZ--\r\n'],
      { ...multipart, 'content-length': String(filePart('file', 'big.csv').length + 2 * megabyte.length + 11) },
      async (index) => {
        if (index !== 2) return
        // Before the second megabyte is sent, the first is on disk (waiting up to 10 s for the server to write it).
        for (let tries = 0; tries < 200 && writtenBeforeTheEnd < megabyte.length; tries++) {
          const forms = await readdir(directory)
          const part = forms[0] ? path.join(directory, forms[0], 'part-1') : null
          writtenBeforeTheEnd = part
            ? await stat(part).then(
                (s) => s.size,
                () => 0,
              )
            : 0
          if (writtenBeforeTheEnd < megabyte.length) await new Promise((wait) => setTimeout(wait, 50))
        }
      },
    )
    assert.equal(writtenBeforeTheEnd, megabyte.length)
    assert.equal(seen.files?.[0]?.size, 2 * megabyte.length)
  })

  it('refuses a body that streams past the limit, and leaves nothing behind', async () => {
    const megabyte = Buffer.alloc(1024 * 1024, 0x62)
    const chunks = [filePart('file', 'huge.csv'), ...Array.from({ length: 6 }, () => megabyte), '\r\n--XyZ--\r\n']
    const seen = await send(chunks, multipart)
    assert.deepEqual(seen, { error: 'UploadTooLarge' })
    assert.deepEqual(await readdir(directory), [])
  })

  it('refuses at once a body whose declared length is past the limit, writing nothing', async () => {
    const seen = await send([filePart('file', 'huge.csv')], { ...multipart, 'content-length': String(LIMIT + 1) })
    assert.deepEqual(seen, { error: 'UploadTooLarge' })
    assert.deepEqual(await readdir(directory), [])
  })

  it('refuses a body cut off in the middle of a file, and leaves nothing behind', async () => {
    const seen = await send([filePart('file', 'cut.csv'), 'a,b\r\n1,2'], multipart)
    assert.deepEqual(seen, { error: 'BadMultipart' })
    assert.deepEqual(await readdir(directory), [])
  })

  it('refuses a form of more than 50 parts', async () => {
    const fields = Array.from(
      { length: 51 },
      (_, i) => `--XyZ\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`,
    )
    const seen = await send([...fields, '--XyZ--\r\n'], multipart)
    assert.deepEqual(seen, { error: 'BadMultipart' })
    assert.deepEqual(await readdir(directory), [])
  })

  it('takes a file input left empty as no file', async () => {
    const empty =
      '--XyZ\r\nContent-Disposition: form-data; name="file"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n'
    const seen = await send(
      [empty, '--XyZ\r\nContent-Disposition: form-data; name="kind"\r\n\r\npopulation\r\n--XyZ--\r\n'],
      multipart,
    )
    assert.deepEqual(seen, { fields: { kind: 'population' }, files: [] })
  })
})
