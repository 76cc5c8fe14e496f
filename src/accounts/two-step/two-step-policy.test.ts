import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfig } from '../../config.ts'
import { roles } from '../roles.ts'
import { twoStepRequiredFor } from './two-step-policy.ts'

describe('SAFERHUB_TWO_STEP', () => {
  const secret = { SESSION_SECRET: 'x'.repeat(40) }

  it('defaults to required, and to optional only for the demo outside production', () => {
    assert.equal(loadConfig({ SAFERHUB_DEMO: 'false' }).twoStepPolicy, 'required')
    assert.equal(loadConfig({ NODE_ENV: 'production', ...secret }).twoStepPolicy, 'required')
    // The demo accounts' passwords are in the README: the demo signs in with them alone.
    assert.equal(loadConfig({}).twoStepPolicy, 'optional')
    assert.equal(loadConfig({ SAFERHUB_DEMO: 'true' }).twoStepPolicy, 'optional')
    // In production the demo accounts are never created, and the default stays required.
    assert.equal(loadConfig({ NODE_ENV: 'production', SAFERHUB_DEMO: 'true', ...secret }).twoStepPolicy, 'required')
  })

  it('takes each setting, whatever the demo says, and refuses anything else', () => {
    for (const value of ['required', 'administrators', 'optional'] as const) {
      assert.equal(loadConfig({ SAFERHUB_TWO_STEP: value }).twoStepPolicy, value)
      assert.equal(loadConfig({ SAFERHUB_TWO_STEP: value, SAFERHUB_DEMO: 'false' }).twoStepPolicy, value)
    }
    assert.equal(loadConfig({ SAFERHUB_TWO_STEP: '' }).twoStepPolicy, 'optional')
    for (const value of ['Required', 'on', 'true', 'admins']) {
      assert.throws(
        () => loadConfig({ SAFERHUB_TWO_STEP: value }),
        /SAFERHUB_TWO_STEP must be required, administrators, optional/,
      )
    }
  })

  it('requires it of the roles each policy names', () => {
    const table = Object.fromEntries(
      (['required', 'administrators', 'optional'] as const).map((policy) => [
        policy,
        roles.filter((role) => twoStepRequiredFor(role, policy)),
      ]),
    )
    assert.deepEqual(table, {
      required: ['administrator', 'partnership-analyst', 'data-owner', 'board-member', 'viewer', 'regional-analyst'],
      administrators: ['administrator', 'partnership-analyst', 'regional-analyst'],
      optional: [],
    })
  })
})
