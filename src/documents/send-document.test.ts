import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { documentFilename, sendDocument, type DocumentResponse } from './send-document.ts'

function recorder(): DocumentResponse & { headers: Record<string, string>; body: unknown } {
  const headers: Record<string, string> = {}
  return {
    headers,
    body: undefined,
    setHeader(name, value) {
      headers[name] = value
    },
    send(body) {
      this.body = body
    },
  }
}

describe('sending a printed document', () => {
  it('sends a PDF as an attachment with a safe name, not stored by any cache', () => {
    const res = recorder()
    sendDocument(res, { format: 'pdf', body: Buffer.from('%PDF-'), name: 'Annual report 2017/18' })
    assert.deepEqual(res.headers, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="annual-report-2017-18.pdf"; filename*=UTF-8''annual-report-2017-18.pdf`,
      'Cache-Control': 'no-store',
    })
    assert.deepEqual(res.body, Buffer.from('%PDF-'))
  })

  it('sends the DOCX and the HTML with their types; a public document may be cached', () => {
    const docx = recorder()
    sendDocument(docx, { format: 'docx', body: Buffer.from('PK'), name: 'Agenda pack', public: true })
    assert.equal(
      docx.headers['Content-Type'],
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    )
    assert.equal(docx.headers['Cache-Control'], 'public, max-age=300')
    const html = recorder()
    sendDocument(html, { format: 'html', body: '<!DOCTYPE html>', name: 'Report', disposition: 'inline' })
    assert.equal(html.headers['Content-Type'], 'text/html; charset=utf-8')
    assert.match(html.headers['Content-Disposition'] ?? '', /^inline; filename="report\.html"/)
  })

  it('makes a file name that cannot break the header or a path', () => {
    assert.equal(documentFilename('../../etc/passwd"\r\nSet-Cookie: x', 'pdf'), 'etc-passwd-set-cookie-x.pdf')
    assert.equal(documentFilename('Rapport annuel été', 'docx'), 'rapport-annuel-ete.docx')
    assert.equal(documentFilename('«»', 'html'), 'document.html')
  })
})
