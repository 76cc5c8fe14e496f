import { moneyAsDecimal, sumPence, type Pence } from '../domain/money.ts'

/**
 * The partnership's commissioned services as grants in the 360Giving Data Standard (https://standard.threesixtygiving.org;
 * its JSON schemas are in reference/360giving/, and a test validates this module's output against them): the JSON
 * package `{ "grants": [...] }` and the rows of its spreadsheet form.
 *
 * Each commissioned service is one grant:
 * - `id`: the partnership's 360Giving prefix, a hyphen, and the service's own reference (spaces and other characters
 *   the guidance warns against replaced by "_"), as the standard's grant identifier guidance says.
 * - `amountAwarded`: what was committed to the service, every year; `amountDisbursed` and `disbursementTransaction`:
 *   its actual spend (payments); `awardDate`: the earliest commitment's date, else the service's start date.
 * - `recipientOrganization`: the provider, identified as org-id.guide lists it: `GB-CHC-` (charity in England and
 *   Wales), `GB-SC-` (Scotland), `GB-NIC-` (Northern Ireland), `GB-COH-` (company), else the partnership's prefix and
 *   an internal identifier, as the guidance says for an organisation with no registration number.
 * - `fundingOrganization`: the partnership as funder, with the identifier and name of its settings.
 * - `grantProgramme`: the funding stream; `classifications`: the partnership's strategic priority.
 *
 * Illustrative amounts (demo figures the source does not give) have no place in 360Giving data, which funders publish
 * as the record of real money and which aggregators (GrantNav) add up without reading descriptions. So a grant with
 * any illustrative amount is left out, and listed with the reason. Only when asked (`includeIllustrative`, for a demo
 * or a test) are such grants exported, each with its description saying so and the package's title and description
 * warning that it is not real data.
 *
 * Pure: the caller reads the rows and passes them in.
 */

export interface GrantService {
  readonly id: number
  readonly reference: string
  readonly title: string
  readonly description: string | null
  readonly providerId: number
  readonly priorityId: number | null
  readonly streamId: number | null
  readonly agreement: 'grant' | 'contract'
  readonly startDate: string | null
  readonly endDate: string | null
  readonly status: 'planned' | 'commissioned' | 'live' | 'ended' | 'decommissioned'
  /** When the row was last changed (ISO 8601): a grant's `dateModified` is the latest of its rows'. */
  readonly updatedAt: string
}

export interface GrantProvider {
  readonly id: number
  readonly name: string
  readonly charityNumber: string | null
  readonly companyNumber: string | null
  readonly postcode: string | null
  readonly website: string | null
  readonly updatedAt: string
}

export interface GrantRows {
  readonly services: readonly GrantService[]
  readonly providers: readonly GrantProvider[]
  readonly priorities: readonly { readonly id: number; readonly name: string }[]
  readonly streams: readonly { readonly id: number; readonly name: string; readonly funder: string }[]
  readonly commitments: readonly {
    readonly serviceId: number
    readonly year: string
    readonly amountPence: Pence
    readonly committedOn: string | null
    readonly illustrative: boolean
    readonly updatedAt: string
  }[]
  /** Actual spend on a service (payments): spend entries of kind `actual`. */
  readonly payments: readonly {
    readonly serviceId: number
    /** The quarter, `FY2018-19-Q2`. */
    readonly period: string
    readonly amountPence: Pence
    readonly paidOn: string | null
    readonly illustrative: boolean
    readonly updatedAt: string
  }[]
}

/** How the partnership names itself and its grants (its settings, or the placeholder when it has none). */
export interface GrantPublisher {
  readonly partnershipName: string
  readonly partnershipSlug: string
  /** Null: no settings yet; the placeholder prefix is used and the export says so. */
  readonly settings: { readonly prefix: string; readonly funderOrgId: string; readonly funderName: string } | null
}

export interface GrantExportOptions {
  /** Export grants with illustrative amounts too, marked as such (a demo's sample file). Default false. */
  readonly includeIllustrative?: boolean
  /** When the file is made (the package's `issued`; each grant's `dateModified` is when its rows last changed). */
  readonly issued: Date
}

/** A grant as the 360Giving schema has it (the fields this export writes). */
export interface ThreeSixtyGivingGrant {
  readonly id: string
  readonly title: string
  readonly description: string
  readonly currency: 'GBP'
  readonly amountAwarded: number
  readonly amountDisbursed: number
  readonly awardDate: string
  readonly plannedDates?: readonly { readonly startDate: string; readonly endDate?: string }[]
  readonly recipientOrganization: readonly {
    readonly id: string
    readonly name: string
    readonly charityNumber?: string
    readonly companyNumber?: string
    readonly postalCode?: string
    readonly url?: string
  }[]
  readonly fundingOrganization: readonly { readonly id: string; readonly name: string }[]
  readonly grantProgramme?: readonly { readonly code: string; readonly title: string }[]
  readonly classifications?: readonly { readonly vocabulary: string; readonly code: string; readonly title: string }[]
  readonly disbursementTransaction?: readonly {
    readonly id: string
    readonly transactionDate: string
    readonly currency: 'GBP'
    readonly value: number
  }[]
  readonly dateModified: string
}

export interface ThreeSixtyGivingPackage {
  readonly grants: readonly ThreeSixtyGivingGrant[]
  readonly title: string
  readonly description: string
  readonly issued: string
  readonly publisher: { readonly identifier: string; readonly name: string }
  readonly license: string
}

export interface GrantExport {
  readonly package: ThreeSixtyGivingPackage
  /** Services not exported, and why ("planned: not yet awarded", "its amounts are illustrative"). */
  readonly leftOut: readonly { readonly reference: string; readonly title: string; readonly reason: string }[]
  /** Warnings about the file as a whole (the placeholder prefix; illustrative grants included). */
  readonly warnings: readonly string[]
  /** How many of the grants carry illustrative amounts (only with `includeIllustrative`). */
  readonly illustrativeGrants: number
}

/** The licence 360Giving recommends and UK public bodies publish under. */
export const OPEN_GOVERNMENT_LICENCE_URL = 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/'

const ILLUSTRATIVE_NOTE =
  'ILLUSTRATIVE SAMPLE, NOT REAL DATA: the amounts of this grant are demo figures that the source does not give.'

/** The placeholder prefix for a partnership that has set none (not registered with 360Giving). */
export function placeholderPrefix(slug: string): string {
  return `360G-saferhub-${slug}`
}

/** An internal identifier as the grant identifier guidance asks: no slashes or spaces (each becomes "_"). */
export function identifierPart(text: string): string {
  return text.trim().replace(/[^A-Za-z0-9.-]+/g, '_')
}

/**
 * A provider's organisation identifier (org-id.guide), from its charity or company number; null when it has neither
 * in a shape those registers use.
 *
 * @example organisationId({ charityNumber: '1070468', companyNumber: null }) // 'GB-CHC-1070468'
 * @example organisationId({ charityNumber: 'SC012345', companyNumber: null }) // 'GB-SC-SC012345'
 * @example organisationId({ charityNumber: null, companyNumber: '2345678' }) // 'GB-COH-02345678'
 */
export function organisationId(provider: {
  readonly charityNumber: string | null
  readonly companyNumber: string | null
}): string | null {
  const charity = provider.charityNumber?.replace(/\s+/g, '').toUpperCase() ?? ''
  if (/^SC\d{6}$/.test(charity)) return `GB-SC-${charity}`
  const ni = /^(?:NIC)?(\d{5,6})$/.exec(charity)
  if (ni && charity.startsWith('NIC')) return `GB-NIC-${ni[1]}`
  // England and Wales: the main charity's number (a linked charity's "-1" suffix names the same registration).
  const ew = /^(\d{6,8})(?:-\d+)?$/.exec(charity)
  if (ew) return `GB-CHC-${ew[1]}`
  const company = provider.companyNumber?.replace(/\s+/g, '').toUpperCase() ?? ''
  if (/^\d{1,8}$/.test(company)) return `GB-COH-${company.padStart(8, '0')}`
  if (/^[A-Z]{2}\d{6}$/.test(company)) return `GB-COH-${company}`
  return null
}

/** The last day of a quarter `FY2018-19-Q2` as a date: when a payment without its own date is taken to be made. */
export function quarterEnd(period: string): string {
  const match = /^FY(\d{4})-\d{2}-Q([1-4])$/.exec(period)
  if (!match) throw new RangeError(`Not a quarter: ${period}`)
  const start = Number(match[1])
  return ['', `${start}-06-30`, `${start}-09-30`, `${start}-12-31`, `${start + 1}-03-31`][Number(match[2])] as string
}

/** Pounds as the standard's number (no commas, no symbol): whole pence exactly, "378430.5" for £378,430.50. */
const pounds = (pence: Pence): number => Number(moneyAsDecimal(pence))

/** The grants of the partnership, as 360Giving data. */
export function buildGrantExport(rows: GrantRows, publisher: GrantPublisher, options: GrantExportOptions): GrantExport {
  const includeIllustrative = options.includeIllustrative ?? false
  const prefix = publisher.settings?.prefix ?? placeholderPrefix(publisher.partnershipSlug)
  const funder = {
    id: publisher.settings?.funderOrgId ?? prefix,
    name: publisher.settings?.funderName ?? publisher.partnershipName,
  }
  const issued = options.issued.toISOString()
  const providers = new Map(rows.providers.map((p) => [p.id, p]))
  const priorities = new Map(rows.priorities.map((p) => [p.id, p]))
  const streams = new Map(rows.streams.map((s) => [s.id, s]))
  const grants: ThreeSixtyGivingGrant[] = []
  const leftOut: { reference: string; title: string; reason: string }[] = []
  let illustrativeGrants = 0

  // In the order of the services' references by character code: the same file whatever the database's collation.
  const byReference = (a: GrantService, b: GrantService) =>
    a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0
  for (const service of [...rows.services].sort(byReference)) {
    const leave = (reason: string) => leftOut.push({ reference: service.reference, title: service.title, reason })
    const commitments = rows.commitments.filter((c) => c.serviceId === service.id)
    const payments = rows.payments
      .filter((p) => p.serviceId === service.id)
      .sort((a, b) => a.period.localeCompare(b.period))
    const provider = providers.get(service.providerId)
    if (service.status === 'planned') {
      leave('planned: not yet awarded')
      continue
    }
    if (commitments.length === 0) {
      leave('no amount committed to it')
      continue
    }
    const illustrative = commitments.some((c) => c.illustrative) || payments.some((p) => p.illustrative)
    if (illustrative && !includeIllustrative) {
      leave('its amounts are illustrative (demo figures, not real money): 360Giving data is the record of real grants')
      continue
    }
    const committedOn = commitments
      .map((c) => c.committedOn)
      .filter((d): d is string => d !== null)
      .sort()[0]
    const awardDate = committedOn ?? service.startDate
    if (awardDate === null || awardDate === undefined) {
      leave('no award date: give its commitment a date, or the service a start date')
      continue
    }
    if (provider === undefined) {
      leave('no provider')
      continue
    }
    const id = `${prefix}-${identifierPart(service.reference)}`
    const recipientId = organisationId(provider) ?? `${prefix}-org-${identifierPart(provider.name.toLowerCase())}`
    const recipient = {
      id: recipientId,
      name: provider.name,
      ...(provider.charityNumber ? { charityNumber: provider.charityNumber } : {}),
      ...(provider.companyNumber ? { companyNumber: provider.companyNumber } : {}),
      ...(provider.postcode ? { postalCode: provider.postcode } : {}),
      ...(provider.website && /^https?:\/\//.test(provider.website) ? { url: provider.website } : {}),
    }
    const stream = service.streamId === null ? undefined : streams.get(service.streamId)
    const priority = service.priorityId === null ? undefined : priorities.get(service.priorityId)
    const description =
      service.description?.trim() || `${service.title}: a service commissioned by ${publisher.partnershipName}.`
    if (illustrative) illustrativeGrants++
    grants.push({
      id,
      title: service.title,
      description: illustrative ? `${ILLUSTRATIVE_NOTE} ${description}` : description,
      currency: 'GBP',
      amountAwarded: pounds(sumPence(commitments.map((c) => c.amountPence))),
      amountDisbursed: pounds(sumPence(payments.map((p) => p.amountPence))),
      awardDate,
      ...(service.startDate
        ? { plannedDates: [{ startDate: service.startDate, ...(service.endDate ? { endDate: service.endDate } : {}) }] }
        : {}),
      recipientOrganization: [recipient],
      fundingOrganization: [funder],
      ...(stream ? { grantProgramme: [{ code: `${prefix}-stream-${stream.id}`, title: stream.name }] } : {}),
      ...(priority
        ? {
            classifications: [
              { vocabulary: `${prefix}-strategic-priorities`, code: String(priority.id), title: priority.name },
            ],
          }
        : {}),
      ...(payments.length > 0
        ? {
            disbursementTransaction: payments.map((p) => ({
              id: `${id}-${p.period}`,
              transactionDate: p.paidOn ?? quarterEnd(p.period),
              currency: 'GBP' as const,
              value: pounds(p.amountPence),
            })),
          }
        : {}),
      dateModified: [
        service.updatedAt,
        provider.updatedAt,
        ...commitments.map((c) => c.updatedAt),
        ...payments.map((p) => p.updatedAt),
      ]
        .sort()
        .at(-1) as string,
    })
  }

  const warnings: string[] = []
  if (publisher.settings === null)
    warnings.push(
      `No 360Giving prefix is set: the file uses the placeholder "${prefix}", which is not registered with 360Giving. Register a prefix with 360Giving and set it, with the funder's organisation identifier, before publishing this file.`,
    )
  if (illustrativeGrants > 0)
    warnings.push(
      `${illustrativeGrants} grant(s) have illustrative amounts (demo figures, not real money): this is a sample file, not for publication.`,
    )
  const sample = illustrativeGrants > 0
  return {
    package: {
      grants,
      title: `${sample ? 'ILLUSTRATIVE SAMPLE, NOT REAL DATA: ' : ''}${publisher.partnershipName}: grants for commissioned services`,
      description: sample
        ? `A sample of the 360Giving export with illustrative amounts (demo figures the source does not give). ${ILLUSTRATIVE_NOTE}`
        : `The services ${publisher.partnershipName} commissions, as grants: amounts committed and paid, providers and funding streams.`,
      issued,
      publisher: { identifier: funder.id, name: funder.name },
      license: OPEN_GOVERNMENT_LICENCE_URL,
    },
    leftOut,
    warnings,
    illustrativeGrants,
  }
}

/**
 * The spreadsheet form's columns: each a path into a grant and its title as the standard's flattening names it (the
 * schema's titles joined by ":"; one row a grant, the first item of each rolled-up list on the row).
 */
export const SPREADSHEET_COLUMNS: readonly { readonly path: string; readonly title: string }[] = [
  { path: 'id', title: 'Identifier' },
  { path: 'title', title: 'Title' },
  { path: 'description', title: 'Description' },
  { path: 'currency', title: 'Currency' },
  { path: 'amountAwarded', title: 'Amount Awarded' },
  { path: 'amountDisbursed', title: 'Amount Disbursed' },
  { path: 'awardDate', title: 'Award Date' },
  { path: 'plannedDates/0/startDate', title: 'Planned Dates:Start Date' },
  { path: 'plannedDates/0/endDate', title: 'Planned Dates:End Date' },
  { path: 'recipientOrganization/0/id', title: 'Recipient Org:Identifier' },
  { path: 'recipientOrganization/0/name', title: 'Recipient Org:Name' },
  { path: 'recipientOrganization/0/charityNumber', title: 'Recipient Org:Charity Number' },
  { path: 'recipientOrganization/0/companyNumber', title: 'Recipient Org:Company Number' },
  { path: 'recipientOrganization/0/postalCode', title: 'Recipient Org:Postal Code' },
  { path: 'recipientOrganization/0/url', title: 'Recipient Org:Web Address' },
  { path: 'fundingOrganization/0/id', title: 'Funding Org:Identifier' },
  { path: 'fundingOrganization/0/name', title: 'Funding Org:Name' },
  { path: 'grantProgramme/0/code', title: 'Grant Programme:Code' },
  { path: 'grantProgramme/0/title', title: 'Grant Programme:Title' },
  { path: 'dateModified', title: 'Last modified' },
]

/** The value at a column's path in a grant (undefined when the grant has none). */
export function valueAt(grant: ThreeSixtyGivingGrant, path: string): string | number | undefined {
  let value: unknown = grant
  for (const part of path.split('/')) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return typeof value === 'string' || typeof value === 'number' ? value : undefined
}
