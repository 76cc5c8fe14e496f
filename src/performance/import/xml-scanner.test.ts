import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeXmlText, XmlScanner } from './xml-scanner.ts'

/** Every event as a line, to compare with what the XML says (written out by hand). */
function scan(chunks: readonly string[]): string[] {
  const events: string[] = []
  const scanner = new XmlScanner({
    open: (name, attributes, selfClosing) =>
      events.push(`open ${name} ${JSON.stringify(attributes)}${selfClosing ? ' /' : ''}`),
    close: (name) => events.push(`close ${name}`),
    text: (text) => events.push(`text ${text}`),
  })
  for (const chunk of chunks) scanner.write(chunk)
  scanner.end()
  return events
}

describe('the workbook XML reader', () => {
  const xml =
    '<?xml version="1.0"?><!-- a comment --><x:row r="2" spans="1:3"><x:c r="A2" t="inlineStr"><x:is><x:t>a &lt; b &amp; &#233;&#x20AC;</x:t></x:is></x:c><c r=\'B2\' note="1 > 0"/><t><![CDATA[<not a tag>]]></t></x:row>'
  const expected = [
    'open row {"r":"2","spans":"1:3"}',
    'open c {"r":"A2","t":"inlineStr"}',
    'open is {}',
    'open t {}',
    'text a < b & é€',
    'close t',
    'close is',
    'close c',
    'open c {"r":"B2","note":"1 > 0"} /',
    'close c',
    'open t {}',
    'text <not a tag>',
    'close t',
    'close row',
  ]

  it('reads elements without their prefixes, attributes (a > inside quotes too), entities and CDATA', () => {
    assert.deepEqual(scan([xml]), expected)
  })

  it('reads the same however the text is cut into chunks', () => {
    for (let size = 1; size <= 9; size++) {
      const chunks: string[] = []
      for (let at = 0; at < xml.length; at += size) chunks.push(xml.slice(at, at + size))
      // A text cut in two arrives as two texts: joined, they are the same.
      const joined = scan(chunks).reduce<string[]>((all, event) => {
        const last = all[all.length - 1]
        if (event.startsWith('text ') && last?.startsWith('text ')) all[all.length - 1] = last + event.slice(5)
        else all.push(event)
        return all
      }, [])
      assert.deepEqual(joined, expected, `chunks of ${size}`)
    }
  })

  it('keeps the sheet id attribute r:id (any prefix) and leaves unknown entities as written', () => {
    assert.deepEqual(scan(['<sheet name="Values" sheetId="1" rel:id="rId3"/>']), [
      'open sheet {"name":"Values","sheetId":"1","r:id":"rId3"} /',
      'close sheet',
    ])
    assert.equal(decodeXmlText('&nbsp;&quot;&apos;'), '&nbsp;"\'')
  })
})
