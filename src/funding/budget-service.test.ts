import { afterEach, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createServices, type PartnershipServices, type Services } from '../composition-root.ts'
import { loadConfig } from '../config.ts'
import { openTestDatabase, testDialects } from '../../test/support/databases.ts'
import { addPrioritiesAndService } from './testing/budget-fixtures.ts'

/** The budget service over both databases: every write audited with before and after, the money exact. */
for (const dialect of testDialects()) {
  describe(`budget service (${dialect})`, () => {
    let services: Services
    let a: PartnershipServices
    let b: PartnershipServices
    beforeEach(async () => {
      const database = await openTestDatabase(dialect)
      services = await createServices(loadConfig({ NODE_ENV: 'test' }), { database, firstStart: 'nothing' })
      const one = await services.partnerships.add('test', { name: 'Wolverhampton', code: 'E22000341' })
      const two = await services.partnerships.add('test', { name: 'Northshire', code: 'E22000999' })
      assert.ok(one.ok && two.ok)
      a = services.forPartnership(one.value)
      b = services.forPartnership(two.value)
    })
    afterEach(() => services.close())

    const events = async (scoped: PartnershipServices, entityType: string) =>
      (await scoped.audit.list({ entityType })).map((e) => ({
        action: e.action,
        key: e.entityKey,
        actor: e.actor,
        before: e.before === null ? null : (JSON.parse(e.before) as Record<string, unknown>),
        after: e.after === null ? null : (JSON.parse(e.after) as Record<string, unknown>),
      }))

    async function pccGrant(scoped: PartnershipServices) {
      const saved = await scoped.budget.saveStream('analyst@example.org', {
        funder: 'West Midlands Police and Crime Commissioner',
        name: 'PCC grant',
        firstYear: 'FY2018-19',
        lastYear: 'FY2018-19',
      })
      assert.ok(saved.ok, JSON.stringify(saved))
      const stream = (await scoped.budget.streams()).find((s) => s.name === 'PCC grant')
      assert.ok(stream)
      return stream
    }

    it('computes the seed’s 2018/19 budget from its income and carry-forward, each audited with before and after', async () => {
      const stream = await pccGrant(a)
      const award = await a.budget.setAward('analyst@example.org', {
        stream: String(stream.id),
        year: 'FY2018-19',
        awarded: '£339,995',
      })
      assert.ok(award.ok, JSON.stringify(award))
      const carry = await a.budget.setCarryForward('analyst@example.org', {
        stream: String(stream.id),
        intoYear: 'FY2018-19',
        amount: '38,435',
      })
      assert.ok(carry.ok, JSON.stringify(carry))
      const budget = await a.budget.yearBudget('FY2018-19')
      // 339,995 + 38,435 = 378,430 pounds (the report printed 378,390).
      assert.equal(budget.budget, 37_843_000)
      assert.equal(budget.income, 33_999_500)
      assert.equal(budget.carryForwardIn, 3_843_500)
      assert.deepEqual(await a.budget.years(), ['FY2018-19'])

      assert.deepEqual(
        (await events(a, 'funding-stream')).map((e) => [e.action, e.before, e.after?.name]),
        [['create', null, 'PCC grant']],
      )
      // A correction is an update with the old and the new amount.
      await a.budget.setAward('finance@example.org', {
        stream: String(stream.id),
        year: 'FY2018-19',
        awarded: '339,955',
      })
      const awards = await events(a, 'funding-award')
      assert.deepEqual(
        awards.map((e) => [e.action, e.actor, e.before?.awardedPence ?? null, e.after?.awardedPence ?? null]),
        [
          ['create', 'analyst@example.org', null, 33_999_500],
          ['update', 'finance@example.org', 33_999_500, 33_995_500],
        ],
      )
      assert.deepEqual(
        (await events(a, 'carry-forward')).map((e) => [e.action, e.key, e.after?.amountPence]),
        [['create', `${stream.id}/FY2018-19`, 3_843_500]],
      )
      // Saving the same again writes nothing and audits nothing.
      await a.budget.setAward('finance@example.org', {
        stream: String(stream.id),
        year: 'FY2018-19',
        awarded: '339955',
      })
      assert.equal((await events(a, 'funding-award')).length, 2)
      // Removing it is audited with what it held.
      await a.budget.setCarryForward('finance@example.org', {
        stream: String(stream.id),
        intoYear: 'FY2018-19',
        amount: '',
      })
      const removed = (await events(a, 'carry-forward')).at(-1)
      assert.deepEqual([removed?.action, removed?.before?.amountPence, removed?.after], ['delete', 3_843_500, null])
    })

    it('splits a multi-year fund entered as a total, each year’s award editable after', async () => {
      const saved = await a.budget.saveStream('analyst@example.org', {
        funder: 'Home Office',
        name: 'VAWG Service Transformation Fund',
        firstYear: 'FY2017-18',
        lastYear: 'FY2019-20',
        total: '500,000',
      })
      assert.ok(saved.ok)
      const byYear = async () =>
        Object.fromEntries(
          await Promise.all(
            ['FY2017-18', 'FY2018-19', 'FY2019-20'].map(async (y) => [y, (await a.budget.yearBudget(y)).income]),
          ),
        )
      assert.deepEqual(await byYear(), { 'FY2017-18': 16_666_667, 'FY2018-19': 16_666_667, 'FY2019-20': 16_666_666 })
      const stream = (await a.budget.streams())[0]
      assert.ok(stream)
      await a.budget.setAward('analyst@example.org', {
        stream: String(stream.id),
        year: 'FY2019-20',
        awarded: '150000',
      })
      assert.equal((await byYear())['FY2019-20'], 15_000_000)
      // A year outside the stream's is refused, naming the field.
      const outside = await a.budget.setAward('analyst@example.org', {
        stream: String(stream.id),
        year: 'FY2020-21',
        awarded: '1',
      })
      assert.deepEqual(outside.ok ? null : outside.errors.map((e) => e.field), ['award-year'])
    })

    it('adds £0.10 and £0.20 to exactly £0.30, and audits allocations and spend', async () => {
      const { priorities, serviceId } = await addPrioritiesAndService(a.database)
      const stream = await pccGrant(a)
      const base = { stream: String(stream.id), year: 'FY2018-19' }
      for (const amount of ['0.10', '0.20']) {
        const r = await a.budget.saveAllocation('analyst@example.org', {
          ...base,
          priority: String(priorities.violence),
          amount,
          note: amount,
        })
        assert.ok(r.ok, JSON.stringify(r))
      }
      const budget = await a.budget.yearBudget('FY2018-19')
      assert.equal(budget.allocated, 30)
      assert.equal(budget.priorities.find((p) => p.priority?.id === priorities.violence)?.allocated, 30)
      const spend = await a.budget.setSpend('analyst@example.org', {
        stream: String(stream.id),
        quarter: 'FY2018-19-Q2',
        kind: 'actual',
        service: String(serviceId),
        amount: '1,250.50',
      })
      assert.ok(spend.ok, JSON.stringify(spend))
      assert.equal((await a.budget.yearBudget('FY2018-19')).spent, 125_050)
      assert.deepEqual(
        (await events(a, 'spend-entry')).map((e) => [e.action, e.after?.amountPence, e.after?.serviceId]),
        [['create', 125_050, serviceId]],
      )
      const allocations = await events(a, 'budget-allocation')
      assert.deepEqual(
        allocations.map((e) => [e.action, e.after?.amountPence]),
        [
          ['create', 10],
          ['create', 20],
        ],
      )
      const first = allocations[0]?.after?.id as number
      const removed = await a.budget.removeAllocation('analyst@example.org', first)
      assert.ok(removed.ok)
      assert.equal((await a.budget.yearBudget('FY2018-19')).allocated, 20)
      assert.deepEqual((await events(a, 'budget-allocation')).at(-1)?.action, 'delete')
    })

    it('refuses bad amounts and references, saying which field, and writes nothing', async () => {
      const stream = await pccGrant(a)
      const before = await a.audit.count()
      const bad = await a.budget.setAward('analyst@example.org', {
        stream: String(stream.id),
        year: 'FY2018-19',
        awarded: '£500K',
      })
      assert.equal(bad.ok, false)
      assert.match(bad.ok ? '' : (bad.errors[0]?.text ?? ''), /multiplier/)
      const noTarget = await a.budget.saveAllocation('analyst@example.org', {
        stream: String(stream.id),
        year: 'FY2018-19',
        amount: '10',
      })
      assert.deepEqual(noTarget.ok ? [] : noTarget.errors.map((e) => e.field), ['priority'])
      assert.equal(await a.audit.count(), before)
    })

    it('keeps partnerships apart: another partnership’s stream, priority or allocation is unknown here', async () => {
      const { priorities } = await addPrioritiesAndService(a.database)
      const theirs = await pccGrant(a)
      await a.budget.setAward('analyst@example.org', { stream: String(theirs.id), year: 'FY2018-19', awarded: '100' })
      await a.budget.saveAllocation('analyst@example.org', {
        stream: String(theirs.id),
        year: 'FY2018-19',
        priority: String(priorities.violence),
        amount: '50',
      })
      assert.deepEqual(await b.budget.streams(), [])
      assert.equal((await b.budget.yearBudget('FY2018-19')).budget, 0)
      const award = await b.budget.setAward('x@example.org', {
        stream: String(theirs.id),
        year: 'FY2018-19',
        awarded: '1',
      })
      assert.equal(award.ok, false)
      const ours = await pccGrant(b)
      const allocation = await b.budget.saveAllocation('x@example.org', {
        stream: String(ours.id),
        year: 'FY2018-19',
        priority: String(priorities.violence),
        amount: '1',
      })
      assert.deepEqual(allocation.ok ? [] : allocation.errors.map((e) => e.field), ['priority'])
      const allocationId = ((await a.audit.list({ entityType: 'budget-allocation' }))[0]?.entityKey ?? '') as string
      assert.equal((await b.budget.removeAllocation('x@example.org', Number(allocationId))).ok, false)
      assert.equal((await a.budget.yearBudget('FY2018-19')).allocated, 5_000)
    })
  })
}
