import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { agreementLength } from './service-agreement.ts'

describe('a service’s agreement length', () => {
  it('calls a service annual within one financial year and multi-year across 31 March', () => {
    assert.equal(agreementLength('2017-04-01', '2018-03-31'), 'annual')
    assert.equal(agreementLength('2017-04-01', '2018-04-01'), 'multi-year')
    assert.equal(agreementLength('2018-01-01', '2018-03-31'), 'annual')
    assert.equal(agreementLength('2017-07-01', '2020-03-31'), 'multi-year')
    assert.equal(agreementLength(null, '2020-03-31'), null)
  })
})
