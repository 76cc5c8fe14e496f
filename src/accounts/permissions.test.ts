import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { actions, can, demand, PermissionDenied, type Action, type Principal } from './permissions.ts'
import { roles, type Role } from './roles.ts'

/*
 * The expected policy, written out by hand (not derived from permissions.ts). Each cell is two letters:
 * the answer for a resource of the user's OWN agency, then for ANOTHER agency. Y = allowed, n = refused.
 * A data owner belongs to agency 1; every other role is given agency 1 too, to prove that the scope matters
 * only where the policy says so.
 */
const expected = `
  action                        administrator  partnership-analyst  data-owner  board-member  viewer  regional-analyst
  report:view                   YY             YY                   YY          YY            YY      YY
  report:export                 YY             YY                   YY          YY            YY      YY
  report:sign-off               nn             nn                   nn          YY            nn      nn
  report:publish                YY             YY                   nn          nn            nn      nn
  return:view                   YY             YY                   Yn          YY            nn      YY
  return:edit                   YY             YY                   Yn          nn            nn      nn
  return:review                 YY             YY                   nn          nn            nn      nn
  import:run                    YY             YY                   nn          nn            nn      nn
  audit:view                    YY             YY                   nn          nn            nn      nn
  user:manage                   YY             nn                   nn          nn            nn      nn
  agency:view                   YY             YY                   nn          nn            nn      nn
  agency:manage                 YY             nn                   nn          nn            nn      nn
  api-token:manage              YY             nn                   nn          nn            nn      nn
  account:change-own-password   YY             YY                   YY          YY            YY      YY
  report:compare                nn             nn                   nn          nn            nn      YY
  plan:view                     YY             YY                   Yn          YY            YY      YY
  plan:edit                     YY             YY                   nn          nn            nn      nn
  budget:view                   YY             YY                   Yn          YY            nn      YY
  budget:edit                   YY             YY                   nn          nn            nn      nn
  board:view                    YY             YY                   YY          YY            nn      YY
  board:edit                    YY             YY                   nn          nn            nn      nn
  board:view-exempt             YY             YY                   nn          YY            nn      nn
  annual-report:view            YY             YY                   nn          YY            nn      YY
  annual-report:edit            YY             YY                   nn          nn            nn      nn
  annual-report:publish         YY             YY                   nn          nn            nn      nn
  statutory:view                YY             YY                   nn          YY            nn      YY
  statutory:edit                YY             YY                   nn          nn            nn      nn
  dhr:break-glass               YY             nn                   nn          nn            nn      nn
  retention:manage              YY             nn                   nn          nn            nn      nn
`

const OWN_AGENCY = 1
const OTHER_AGENCY = 2

function parseMatrix(text: string): Map<string, { own: boolean; other: boolean }> {
  const lines = text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
  const header = lines[0] as string[]
  const matrix = new Map<string, { own: boolean; other: boolean }>()
  for (const cells of lines.slice(1)) {
    const action = cells[0] as string
    header.slice(1).forEach((role, column) => {
      const cell = cells[column + 1]
      assert.match(cell ?? '', /^[Yn]{2}$/, `bad cell for ${action} × ${role}`)
      matrix.set(`${role} ${action}`, { own: cell?.[0] === 'Y', other: cell?.[1] === 'Y' })
    })
  }
  return matrix
}

const matrix = parseMatrix(expected)

describe('permission policy', () => {
  it('the hand-written matrix covers every role and every action, and nothing else', () => {
    assert.equal(matrix.size, roles.length * actions.length)
    for (const role of roles)
      for (const action of actions) assert.ok(matrix.has(`${role} ${action}`), `${role} ${action}`)
  })

  for (const role of roles) {
    for (const action of actions) {
      const cell = matrix.get(`${role} ${action}`)
      it(`${role} × ${action}: own agency ${cell?.own ? 'allowed' : 'refused'}, other agency ${cell?.other ? 'allowed' : 'refused'}`, () => {
        const user: Principal = { role, agencyId: OWN_AGENCY }
        assert.equal(can(user, action, { agencyId: OWN_AGENCY }), cell?.own)
        assert.equal(can(user, action, { agencyId: OTHER_AGENCY }), cell?.other)
      })
    }
  }

  it('a data owner is refused a scoped action whose resource names no agency (fail closed)', () => {
    const owner: Principal = { role: 'data-owner', agencyId: OWN_AGENCY }
    assert.equal(can(owner, 'return:view'), false)
    assert.equal(can(owner, 'return:edit', { agencyId: null }), false)
    // …but a partnership-wide action needs no agency.
    assert.equal(can(owner, 'report:view'), true)
  })

  it('a data owner without an agency sees no agency’s returns', () => {
    const broken: Principal = { role: 'data-owner', agencyId: null }
    assert.equal(can(broken, 'return:view', { agencyId: OWN_AGENCY }), false)
    assert.equal(can(broken, 'return:view', { agencyId: null }), false)
  })

  it('nobody signed in may do nothing', () => {
    for (const action of actions) {
      assert.equal(can(null, action, { agencyId: OWN_AGENCY }), false)
      assert.equal(can(undefined, action), false)
    }
  })

  it('a disabled administrator may do nothing', () => {
    for (const action of actions) {
      assert.equal(can({ role: 'administrator', agencyId: null, disabled: true }, action, { agencyId: 1 }), false)
    }
  })

  it('a user who must change their password may only change it', () => {
    const user: Principal = { role: 'administrator', agencyId: null, mustChangePassword: true }
    assert.equal(can(user, 'account:change-own-password'), true)
    assert.equal(can(user, 'report:view'), false)
    assert.equal(can(user, 'user:manage'), false)
  })

  it('roles and actions from outside cannot reach Object.prototype', () => {
    assert.equal(can({ role: '__proto__' as Role, agencyId: null }, 'report:view'), false)
    assert.equal(can({ role: 'toString' as Role, agencyId: null }, 'report:view'), false)
    assert.equal(can({ role: 'administrator', agencyId: null }, 'constructor' as Action), false)
    assert.equal(can({ role: 'superuser' as Role, agencyId: null }, 'report:view'), false)
  })

  it('demand throws PermissionDenied naming the action', () => {
    assert.throws(
      () => demand({ role: 'viewer', agencyId: null }, 'user:manage'),
      (error: unknown) => error instanceof PermissionDenied && error.action === 'user:manage',
    )
    assert.doesNotThrow(() => demand({ role: 'administrator', agencyId: null }, 'user:manage'))
  })
})
