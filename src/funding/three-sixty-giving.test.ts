import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import Ajv from 'ajv-draft-04'
import addFormats from 'ajv-formats'
import ExcelJS from 'exceljs'
import { onlyPartnership } from '../../test/support/partnership.ts'
import { testDialects } from '../../test/support/databases.ts'
import { startDemoApp, type RunningApp } from '../../test/support/web-app.ts'
import { buildGrantExport, organisationId, type GrantRows } from './three-sixty-giving.ts'
import { grantExportXlsx } from './three-sixty-giving-xlsx.ts'
import { clearMoney, seedMoney } from './testing/seed-money.ts'

/**
 * The 360Giving export against the standard's own JSON schemas (reference/360giving/, copied from
 * ThreeSixtyGiving/standard), with ajv: the made-up partnership below and the demo partnership over HTTP. The
 * spreadsheet's column titles are checked against titles derived here from the schema, as the standard's flattening
 * names them.
 */
type Schema = {
  title?: string
  $ref?: string
  properties?: Record<string, Schema>
  items?: Schema
  definitions?: Record<string, Schema>
}
const schemaFile = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../reference/360giving/${name}`, import.meta.url), 'utf8')) as Schema
const grantSchema = schemaFile('360-giving-schema.json')
const packageSchema = schemaFile('360-giving-package-schema.json')

const ajv = new Ajv({ strict: false, allErrors: true })
addFormats(ajv)
// The package schema refers to the grant schema by its published address: the local copy answers for it.
ajv.addSchema(
  grantSchema,
  'https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4/schema/360-giving-schema.json',
)
const validatePackage = ajv.compile(packageSchema)
const problems = (data: unknown) =>
  validatePackage(data) ? [] : (validatePackage.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)

/** When the made-up rows were last changed. */
const T = '2025-04-02T08:00:00.000Z'

/** A made-up partnership: every expected figure below is worked by hand from these rows. */
const NORTHSHIRE: GrantRows = {
  providers: [
    {
      id: 1,
      name: 'Northshire Mentoring Trust',
      charityNumber: '1070468',
      companyNumber: null,
      postcode: 'NS1 1AA',
      website: 'https://mentoring.example.org',
      updatedAt: T,
    },
    {
      id: 2,
      name: 'Scottish Aid',
      charityNumber: 'SC012345',
      companyNumber: null,
      postcode: null,
      website: null,
      updatedAt: T,
    },
    {
      id: 3,
      name: 'Safe Homes Ltd',
      charityNumber: null,
      companyNumber: '2345678',
      postcode: null,
      website: 'not a url',
      updatedAt: T,
    },
    {
      id: 4,
      name: 'Street Group',
      charityNumber: null,
      companyNumber: null,
      postcode: null,
      website: null,
      updatedAt: T,
    },
    {
      id: 5,
      name: 'NI Help',
      charityNumber: 'NIC100123',
      companyNumber: null,
      postcode: null,
      website: null,
      updatedAt: T,
    },
  ],
  streams: [{ id: 7, name: 'Community Safety Fund', funder: 'Northshire PCC' }],
  priorities: [{ id: 3, name: 'Serious violence' }],
  services: [
    svc(1, 'NS/001', 'Mentoring', 1, { priorityId: 3, streamId: 7, startDate: '2024-04-01', endDate: '2025-03-31' }),
    svc(2, 'NS-002', 'Refuge', 3, {}),
    svc(3, 'NS-003', 'Planned project', 4, { status: 'planned', startDate: '2025-04-01' }),
    svc(4, 'NS-004', 'Outreach', 4, { status: 'ended', startDate: '2024-05-01' }),
    svc(5, 'NS-005', 'Demo service', 2, { startDate: '2024-04-01' }),
    svc(6, 'NS-006', 'No money', 5, { startDate: '2024-04-01' }),
    svc(7, 'NS-007', 'NI service', 5, { startDate: '2024-07-01' }),
  ],
  commitments: [
    {
      serviceId: 1,
      year: 'FY2024-25',
      amountPence: 1_000_050,
      committedOn: '2024-03-15',
      illustrative: false,
      updatedAt: T,
    },
    {
      serviceId: 1,
      year: 'FY2025-26',
      amountPence: 500_000,
      committedOn: '2025-03-10',
      illustrative: false,
      updatedAt: T,
    },
    { serviceId: 2, year: 'FY2024-25', amountPence: 900_000, committedOn: null, illustrative: false, updatedAt: T },
    {
      serviceId: 3,
      year: 'FY2025-26',
      amountPence: 100_000,
      committedOn: '2025-03-01',
      illustrative: false,
      updatedAt: T,
    },
    {
      serviceId: 4,
      year: 'FY2024-25',
      amountPence: 300_000,
      committedOn: '2024-04-20',
      illustrative: false,
      updatedAt: T,
    },
    {
      serviceId: 5,
      year: 'FY2024-25',
      amountPence: 100_000,
      committedOn: '2024-03-30',
      illustrative: true,
      updatedAt: T,
    },
    {
      serviceId: 7,
      year: 'FY2024-25',
      amountPence: 70_000,
      committedOn: '2024-07-01',
      illustrative: false,
      updatedAt: T,
    },
  ],
  payments: [
    {
      serviceId: 1,
      period: 'FY2024-25-Q1',
      amountPence: 250_000,
      paidOn: '2024-06-01',
      illustrative: false,
      updatedAt: T,
    },
    { serviceId: 1, period: 'FY2024-25-Q2', amountPence: 250_000, paidOn: null, illustrative: false, updatedAt: T },
  ],
}

function svc(
  id: number,
  reference: string,
  title: string,
  providerId: number,
  more: Partial<GrantRows['services'][number]>,
): GrantRows['services'][number] {
  return {
    id,
    reference,
    title,
    description: null,
    providerId,
    priorityId: null,
    streamId: null,
    agreement: 'grant',
    startDate: null,
    endDate: null,
    status: 'live',
    updatedAt: T,
    ...more,
  }
}

const PUBLISHER = {
  partnershipName: 'Safer Northshire',
  partnershipSlug: 'northshire',
  settings: { prefix: '360G-northshire', funderOrgId: 'GB-LAE-NSH', funderName: 'Northshire Council' },
}
const ISSUED = new Date('2025-05-01T10:00:00Z')

describe('the 360Giving export of a made-up partnership', () => {
  const made = buildGrantExport(NORTHSHIRE, PUBLISHER, { issued: ISSUED })

  it('is valid against the standard’s package and grant schemas', () => {
    assert.deepEqual(problems(made.package), [])
  })

  it('holds the grants worked by hand, and says why each other service is left out', () => {
    assert.deepEqual(
      made.package.grants.map((g) => [
        g.id,
        g.amountAwarded,
        g.amountDisbursed,
        g.awardDate,
        g.recipientOrganization[0]?.id,
      ]),
      [
        // In the references' character order: "-" comes before "/".
        ['360G-northshire-NS-004', 3_000, 0, '2024-04-20', '360G-northshire-org-street_group'],
        ['360G-northshire-NS-007', 700, 0, '2024-07-01', 'GB-NIC-100123'],
        ['360G-northshire-NS_001', 15_000.5, 5_000, '2024-03-15', 'GB-CHC-1070468'],
      ],
    )
    const first = made.package.grants.find((g) => g.id === '360G-northshire-NS_001')
    assert.deepEqual(
      first?.disbursementTransaction?.map((t) => [t.transactionDate, t.value]),
      [
        ['2024-06-01', 2_500],
        ['2024-09-30', 2_500],
      ],
    )
    assert.equal(first?.dateModified, '2025-04-02T08:00:00.000Z')
    assert.deepEqual(first?.fundingOrganization, [{ id: 'GB-LAE-NSH', name: 'Northshire Council' }])
    assert.deepEqual(first?.grantProgramme, [{ code: '360G-northshire-stream-7', title: 'Community Safety Fund' }])
    assert.deepEqual(
      first?.classifications?.map((c) => c.title),
      ['Serious violence'],
    )
    assert.equal(first?.recipientOrganization[0]?.url, 'https://mentoring.example.org')
    assert.deepEqual(
      made.leftOut.map((l) => [l.reference, l.reason.split(':')[0]]),
      [
        ['NS-002', 'no award date'],
        ['NS-003', 'planned'],
        ['NS-005', 'its amounts are illustrative (demo figures, not real money)'],
        ['NS-006', 'no amount committed to it'],
      ],
    )
    assert.deepEqual(made.warnings, [])
  })

  it('exports illustrative grants only when asked, marked in each grant and in the file', () => {
    const sample = buildGrantExport(NORTHSHIRE, PUBLISHER, { issued: ISSUED, includeIllustrative: true })
    assert.deepEqual(problems(sample.package), [])
    const demo = sample.package.grants.find((g) => g.id === '360G-northshire-NS-005')
    assert.match(demo?.description ?? '', /^ILLUSTRATIVE SAMPLE, NOT REAL DATA/)
    assert.equal(demo?.recipientOrganization[0]?.id, 'GB-SC-SC012345')
    assert.match(sample.package.title, /^ILLUSTRATIVE SAMPLE, NOT REAL DATA/)
    assert.equal(sample.illustrativeGrants, 1)
  })

  it('uses a placeholder prefix, and warns, while the partnership has set none', () => {
    const unset = buildGrantExport(NORTHSHIRE, { ...PUBLISHER, settings: null }, { issued: ISSUED })
    assert.deepEqual(problems(unset.package), [])
    assert.ok(unset.package.grants.some((g) => g.id === '360G-saferhub-northshire-NS_001'))
    assert.match(unset.warnings[0] ?? '', /not registered with 360Giving/)
  })

  it('is caught when it breaks the schema (so this test can fail)', () => {
    const grant = made.package.grants.find((g) => g.id === '360G-northshire-NS_001')
    assert.ok(grant)
    const { awardDate: _awardDate, ...withoutDate } = grant
    assert.ok(problems({ ...made.package, grants: [withoutDate] }).some((p) => p.includes("'awardDate'")))
    assert.ok(problems({ ...made.package, grants: [{ ...grant, amountAwarded: '15000.50' }] }).length > 0)
    assert.ok(problems({ ...made.package, grants: [{ ...grant, awardDate: '15/03/2024' }] }).length > 0)
    assert.ok(problems({ ...made.package, grants: [{ ...grant, currency: 'XXX' }] }).length > 0)
    assert.ok(problems({ ...made.package, grants: [] }).length > 0, 'a package holds at least one grant')
  })

  it('identifies organisations as org-id.guide lists them', () => {
    const id = (charityNumber: string | null, companyNumber: string | null) =>
      organisationId({ charityNumber, companyNumber })
    assert.equal(id('1070468', '12345678'), 'GB-CHC-1070468')
    assert.equal(id('1070468-1', null), 'GB-CHC-1070468')
    assert.equal(id('sc012345', null), 'GB-SC-SC012345')
    assert.equal(id('NIC100123', null), 'GB-NIC-100123')
    assert.equal(id(null, 'SC123456'), 'GB-COH-SC123456')
    assert.equal(id(null, '2345678'), 'GB-COH-02345678')
    assert.equal(id('not a number', null), null)
  })

  it('writes the spreadsheet form with the standard’s column titles and the JSON’s values', async () => {
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load((await grantExportXlsx(made)) as unknown as ArrayBuffer)
    await checkSpreadsheet(workbook, made.package.grants as unknown as Record<string, unknown>[])
  })
})

/** The flattened title of a path into a grant, from the schema: each level's `title` (through `$ref`), joined by ":". */
function schemaTitle(path: string): string {
  const resolve = (s: Schema): Schema => {
    if (s.$ref === undefined) return s
    const name = s.$ref.replace('#/definitions/', '')
    const target = grantSchema.definitions?.[name]
    assert.ok(target, `the schema defines ${name}`)
    return { ...target, ...(s.title ? { title: s.title } : {}) }
  }
  const titles: string[] = []
  let at: Schema = grantSchema
  for (const part of path.split('/')) {
    if (/^\d+$/.test(part)) {
      at = resolve(at.items as Schema)
      continue
    }
    const next = at.properties?.[part]
    assert.ok(next, `the schema has ${path}`)
    at = resolve(next)
    assert.ok(at.title, `${part} has a title in the schema`)
    titles.push(at.title)
  }
  return titles.join(':')
}

/** Every property path the standard's schema can have down to two levels (array items as /0/). */
function schemaPaths(): string[] {
  const paths: string[] = []
  for (const [name, property] of Object.entries(grantSchema.properties ?? {})) {
    paths.push(name)
    if (property.items?.$ref) {
      const item = grantSchema.definitions?.[property.items.$ref.replace('#/definitions/', '')]
      for (const child of Object.keys(item?.properties ?? {})) paths.push(`${name}/0/${child}`)
    }
  }
  return paths
}

function valueOf(grant: Record<string, unknown>, path: string): unknown {
  let value: unknown = grant
  for (const part of path.split('/'))
    value = value === undefined || value === null ? undefined : (value as Record<string, unknown>)[part]
  return value
}

async function checkSpreadsheet(workbook: ExcelJS.Workbook, grants: readonly Record<string, unknown>[]) {
  const sheet = workbook.getWorksheet('grants')
  assert.ok(sheet, 'the grants sheet')
  const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String)
  // Each title is the standard's for some path, found from the schema alone.
  const byTitle = new Map<string, string>()
  for (const path of schemaPaths()) {
    try {
      byTitle.set(schemaTitle(path), path)
    } catch {
      // A property without a title cannot be a column of the flattened form.
    }
  }
  for (const title of header) assert.ok(byTitle.has(title), `"${title}" is a title of the standard`)
  for (const needed of [
    'Identifier',
    'Title',
    'Amount Awarded',
    'Award Date',
    'Recipient Org:Identifier',
    'Funding Org:Identifier',
  ])
    assert.ok(header.includes(needed), needed)
  assert.equal(sheet.rowCount, grants.length + 1)
  grants.forEach((grant, i) => {
    const row = sheet.getRow(i + 2)
    header.forEach((title, column) => {
      const expected = valueOf(grant, byTitle.get(title) as string)
      const cell = row.getCell(column + 1).value
      assert.equal(cell ?? undefined, expected, `${title} of ${String(grant.id)}`)
    })
  })
}

for (const dialect of testDialects())
  describe(`the demo's 360Giving export over HTTP (${dialect})`, () => {
    let app: RunningApp
    before(async () => {
      app = await startDemoApp(dialect)
      const demo = await onlyPartnership(app.services)
      // The demo's own money (src/funding/budget-demo.ts) gives way to the fixture's.
      await clearMoney(demo.database)
      await seedMoney(demo.database)
    })
    after(() => app.stop())

    it('serves a valid package of the real grants, leaving the illustrative one out', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const response = await analyst.get('/funding/360giving.json')
      assert.equal(response.status, 200)
      const data = JSON.parse(await response.text()) as {
        grants: { id: string; amountAwarded: number }[]
        title: string
      }
      assert.deepEqual(problems(data), [])
      assert.deepEqual(
        data.grants.map((g) => [g.id, g.amountAwarded]),
        [
          ['360G-saferhub-wolverhampton-S1', 150_000],
          ['360G-saferhub-wolverhampton-S2', 120_000.5],
        ],
      )
      const page = await (await analyst.get('/funding/360giving')).text()
      assert.match(page, /S3 Youth outreach<\/td><td class="govuk-table__cell">its amounts are illustrative/)

      const sample = await analyst.get('/funding/360giving.json?sample=illustrative')
      const sampleData = JSON.parse(await sample.text()) as { grants: unknown[]; title: string }
      assert.deepEqual(problems(sampleData), [])
      assert.equal(sampleData.grants.length, 3)
      assert.match(sampleData.title, /^ILLUSTRATIVE SAMPLE/)

      const xlsx = await fetch(new URL('/funding/360giving.xlsx', app.base), {
        headers: { cookie: analyst.cookieHeader() },
      })
      assert.equal(xlsx.status, 200)
      const workbook = new ExcelJS.Workbook()
      await workbook.xlsx.load(await xlsx.arrayBuffer())
      await checkSpreadsheet(workbook, data.grants as unknown as Record<string, unknown>[])
    })

    it('saves the prefix and funder settings (budget:edit), refusing bad ones, and the export uses them', async () => {
      const analyst = await app.signedIn('partnership-analyst')
      const csrf = await analyst.csrfTokenOf('/funding/360giving')
      const bad = await analyst.post('/funding/360giving/settings', {
        _csrf: csrf,
        prefix: 'wolverhampton',
        funderOrgId: 'E22000123',
        funderName: '',
      })
      assert.equal(bad.status, 400)
      const badPage = await bad.text()
      for (const field of ['prefix', 'funderOrgId', 'funderName']) assert.match(badPage, new RegExp(`href="#${field}"`))
      const good = await analyst.post('/funding/360giving/settings', {
        _csrf: csrf,
        prefix: '360G-saferwolverhampton',
        funderOrgId: 'GB-LAE-WLV',
        funderName: 'City of Wolverhampton Council',
      })
      assert.equal(good.status, 303)
      const data = JSON.parse(await (await analyst.get('/funding/360giving.json')).text()) as {
        grants: { id: string; fundingOrganization: { id: string }[] }[]
      }
      assert.deepEqual(problems(data), [])
      assert.equal(data.grants[0]?.id, '360G-saferwolverhampton-S1')
      assert.equal(data.grants[0]?.fundingOrganization[0]?.id, 'GB-LAE-WLV')
      const events = await (await onlyPartnership(app.services)).audit.list({ entityType: 'grant-publishing-settings' })
      assert.equal(events.length, 1)
      assert.equal(events[0]?.actor, 'analyst@example.org')

      const board = await app.signedIn('board-member')
      assert.equal((await board.get('/funding/360giving.json')).status, 200, 'a board member reads it')
      const boardCsrf = await board.csrfTokenOf('/sign-out')
      assert.equal((await board.post('/funding/360giving/settings', { _csrf: boardCsrf })).status, 403)
    })
  })
