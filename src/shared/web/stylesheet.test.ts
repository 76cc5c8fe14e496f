import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { adaptGovukCss, partnershipStylesheet } from './stylesheet.ts'

describe('adaptGovukCss', () => {
  it('drops the GDS Transport font faces and uses the system font stack', () => {
    const css =
      '/*! Copyright (c) 2011 by Margaret Calvert & Henrik Kubel. All rights reserved. */' +
      '@font-face{font-family:GDS Transport;src:url(/assets/fonts/light.woff2) format("woff2")}' +
      '.govuk-body{font-family:GDS Transport,arial,sans-serif;color:#0b0c0c}' +
      '.govuk-footer__copyright-logo:before{background-image:url(/assets/images/govuk-crest.svg)}'
    assert.equal(
      adaptGovukCss(css),
      '.govuk-body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;color:#0b0c0c}' +
        '.govuk-footer__copyright-logo:before{background-image:none}',
    )
  })

  it('refuses a stylesheet that would still fetch the GOV.UK font', () => {
    assert.throws(() => adaptGovukCss('.x{font-family:"GDS Transport",serif}'), /GDS Transport/)
  })

  it('leaves nothing in the installed govuk-frontend that fetches a font or an image', () => {
    const { css, version } = partnershipStylesheet()
    assert.doesNotMatch(css, /GDS Transport|url\(|@font-face/)
    assert.match(css, /\.govuk-body/)
    assert.match(css, /\.app-header/)
    assert.match(version, /^[0-9a-f]{12}$/)
  })
})
