import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PdfPrinter } from './pdf-printer.ts'
import { documentFilename, sendDocument, sendPrintable, type DocumentResponse } from './send-document.ts'

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

  it('builds the asked format from the document and sends it under the document’s title', async () => {
    const printer = new PdfPrinter({ executablePath: '/nowhere/chromium' })
    const doc = {
      title: 'Community safety annual report 2017/18',
      language: 'en-GB' as const,
      sections: [{ heading: 'Introduction', level: 1 as const, blocks: [] }],
    }
    const html = recorder()
    await sendPrintable(html, doc, 'html', { printer, public: true })
    assert.match(String(html.body), /^<!DOCTYPE html>[^]*<h2 id="introduction">Introduction<\/h2>/)
    assert.match(html.headers['Content-Disposition'] ?? '', /filename="community-safety-annual-report-2017-18\.html"/)
    assert.equal(html.headers['Cache-Control'], 'public, max-age=300')
    // Without charts the DOCX needs no browser.
    const docx = recorder()
    await sendPrintable(docx, doc, 'docx', { printer, name: 'Report' })
    assert.equal((docx.body as Buffer).subarray(0, 2).toString('latin1'), 'PK')
    assert.equal(docx.headers['Cache-Control'], 'no-store')
    // The PDF does, and says so; nothing is sent.
    const pdf = recorder()
    await assert.rejects(sendPrintable(pdf, doc, 'pdf', { printer }), { name: 'ChromiumMissingError' })
    assert.deepEqual(pdf.headers, {})
  })
})
