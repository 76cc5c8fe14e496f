import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { AuditEvent } from '../audit/audit-chain.ts'
import { indicator } from '../domain/appendix-c.fixture.ts'
import { kpiHistory } from './kpi-history.ts'

const drugTests = indicator({ id: 'drug-tests', name: 'Drug tests', measureType: 'count', preferredDirection: 'none' })

let nextId = 1
function event(fields: Partial<AuditEvent> & Pick<AuditEvent, 'entityType' | 'entityKey' | 'occurredAt'>): AuditEvent {
  return {
    id: nextId++,
    actor: 'Ann Analyst',
    action: 'update',
    before: null,
    after: null,
    requestId: null,
    importId: null,
    partnershipId: 1,
    previousHash: '',
    hash: '',
    ...fields,
  }
}

const figure = (value: number | null, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    indicatorId: 'drug-tests',
    period: 'FY2024-25-Q4',
    status: value === null ? 'not-yet-available' : 'reported',
    value,
    numerator: null,
    denominator: null,
    percent: null,
    text: null,
    reason: value === null ? 'Not in yet' : null,
    commentary: null,
    version: 1,
    ...extra,
  })

describe('the KPI’s audit history in words', () => {
  it('says what changed, from what to what, by whom and through what, at a GMT time', () => {
    const [entry] = kpiHistory(drugTests, [
      event({
        entityType: 'indicator-value',
        entityKey: 'drug-tests/FY2024-25-Q4',
        // 7 December is GMT: the clock reads as UTC.
        occurredAt: '2026-12-07T02:33:58.882Z',
        before: figure(120),
        after: figure(125, { version: 2, source: 'import', reference: 'import:4' }),
        importId: 4,
      }),
    ])
    assert.equal(entry?.change, 'Figure for 2024/25 Q4 changed from 120 to 125 by Ann Analyst (import)')
    assert.equal(entry?.when, '7 December 2026, 2:33am')
    assert.equal(entry?.at, '2026-12-07T02:33:58.882Z')
  })

  it('reads a BST time one hour ahead, and names a figure added through a return', () => {
    const [entry] = kpiHistory(drugTests, [
      event({
        entityType: 'indicator-value',
        entityKey: 'drug-tests/FY2024-25-Q4',
        action: 'create',
        // 10 July is BST (UTC+1): 13:05 UTC is 2:05pm in London.
        occurredAt: '2025-07-10T13:05:00.000Z',
        after: figure(125, { source: 'return', reference: 'return:9' }),
      }),
    ])
    assert.equal(entry?.change, 'Figure for 2024/25 Q4 added: 125 by Ann Analyst (quarterly return)')
    assert.equal(entry?.when, '10 July 2025, 2:05pm')
  })

  it('words a figure withdrawn to "not available", a baseline, and a definition change by field', () => {
    const entries = kpiHistory(drugTests, [
      event({
        entityType: 'indicator-value',
        entityKey: 'drug-tests/FY2024-25-Q4',
        occurredAt: '2026-01-02T09:00:00Z',
        before: figure(125),
        after: figure(null, { source: 'browser', reference: 'user:3' }),
      }),
      event({
        entityType: 'baseline',
        entityKey: 'drug-tests/FY2024-25',
        occurredAt: '2026-01-02T09:00:00Z',
        before: JSON.stringify({ indicatorId: 'drug-tests', year: 'FY2024-25', source: 'fixed', value: 385 }),
        after: JSON.stringify({ indicatorId: 'drug-tests', year: 'FY2024-25', source: 'fixed', value: 390 }),
        importId: 2,
      }),
      event({
        entityType: 'indicator',
        entityKey: 'drug-tests',
        occurredAt: '2026-01-02T09:00:00Z',
        before: JSON.stringify({ ...drugTests, name: 'Drug tests' }),
        after: JSON.stringify({ ...drugTests, name: 'Drug tests on arrest', dataOwner: 'Police' }),
      }),
    ])
    assert.deepEqual(
      entries.map((e) => e.change),
      [
        'Figure for 2024/25 Q4 changed from 125 to not available (Not in yet) by Ann Analyst (edited on the web)',
        'Baseline for 2024/25 changed from 385 to 390 by Ann Analyst (import)',
        'KPI definition changed: name, data owner by Ann Analyst',
      ],
    )
    for (const e of entries) assert.doesNotMatch(e.change + e.when, /\d{4}-\d{2}-\d{2}T|indicator-value|FY2024/)
  })
})
