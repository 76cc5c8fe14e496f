import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ServiceStatus } from './funding-tables.ts'
import { SERVICE_STATUSES, serviceTransition } from './service-status.ts'

describe('a commissioned service’s status', () => {
  // Written out from the brief's life of a service, not read from the table under test.
  const allowed = new Set([
    'planned>commissioned',
    'planned>decommissioned',
    'commissioned>live',
    'commissioned>decommissioned',
    'live>ended',
    'live>decommissioned',
  ])

  it('allows exactly the steps of a service’s life, and refuses every other pair (25 pairs)', () => {
    let checked = 0
    for (const from of SERVICE_STATUSES) {
      for (const to of SERVICE_STATUSES) {
        const step = serviceTransition(from, to)
        assert.equal(step.allowed, allowed.has(`${from}>${to}`), `${from} → ${to}`)
        checked++
      }
    }
    assert.equal(checked, 25)
  })

  it('says what the service can become when a step is refused', () => {
    const refused = serviceTransition('planned' as ServiceStatus, 'ended')
    assert.equal(refused.allowed, false)
    assert.match(refused.allowed ? '' : refused.message, /Commissioned or Decommissioned/)
    const final = serviceTransition('ended', 'live')
    assert.match(final.allowed ? '' : final.message, /final/)
  })
})
