import type { Indicator } from '../domain/indicator.ts'

/**
 * Which partner agency owns a KPI. The performance framework names each KPI's owner in free text (the seed report's
 * "Owner" column: "WMP Analyst", "SWP Analyst", "Community Safety", "WMP CTU"…), so each agency has a list of the
 * names it goes by there, kept in the database and edited by an administrator. A KPI belongs to the agency whose
 * code, or one of whose names, is its owner text, compared without regard to case, spacing or full-width forms.
 * Pure: no I/O.
 */

/** An agency with the names it goes by in the framework's Owner column. */
export interface AgencyOwnerNames {
  readonly id: number
  readonly code: string
  readonly name: string
  /** Absent when the caller did not load them: then only the code matches. */
  readonly ownerNames?: readonly string[]
}

/** How long one owner name may be (the same limit as an agency's name). */
export const MAXIMUM_OWNER_NAME_LENGTH = 200
/** How many owner names one agency may have: far more than any framework uses, and a bound on the form. */
export const MAXIMUM_OWNER_NAMES = 50

/**
 * The form of an owner text that matching and the database's uniqueness compare: NFKC (full-width letters and
 * the like folded), trimmed, runs of white space as one space, lower case.
 *
 * @example
 *   ownerNameKey('  SWP   Analyst ') // 'swp analyst'
 *   ownerNameKey('ＷＭＰ') // 'wmp'
 */
export function ownerNameKey(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase()
}

/**
 * The agency a KPI's owner text names, or undefined when none does. An agency's code is tried first, then the
 * agencies' owner names (the service keeps every code and owner name unique across agencies, so the order
 * matters only for data written before those checks).
 *
 * @example
 *   agencyForDataOwner('WMP CTU', agencies)?.code // 'CTU' when CTU has the owner name "WMP CTU"
 *   agencyForDataOwner('wmfs', agencies)?.code // 'WMFS' (its code)
 */
export function agencyForDataOwner<A extends Pick<AgencyOwnerNames, 'code' | 'ownerNames'>>(
  dataOwner: string,
  agencies: readonly A[],
): A | undefined {
  const wanted = ownerNameKey(dataOwner)
  if (!wanted) return undefined
  return (
    agencies.find((a) => ownerNameKey(a.code) === wanted) ??
    agencies.find((a) => (a.ownerNames ?? []).some((n) => ownerNameKey(n) === wanted))
  )
}

/** A KPI and how its owner text found its agency. */
export interface OwnedIndicator {
  readonly indicator: Indicator
  /** 'code' when the owner text is the agency's code, 'owner-name' when it is one of its owner names. */
  readonly matchedBy: 'code' | 'owner-name'
}

/** The KPIs each agency owns, and those whose owner text names no agency. */
export interface KpiOwnership {
  /** By agency id; every agency given has an entry (empty when it owns none). */
  readonly byAgency: ReadonlyMap<number, readonly OwnedIndicator[]>
  /** KPIs whose owner matches no agency: nobody can send their figures as a return or through the API. */
  readonly unmatched: readonly Indicator[]
}

/**
 * Sorts the framework's KPIs by the agency that owns them, in framework order.
 *
 * @example
 *   const { byAgency, unmatched } = kpiOwnership(await performance.listIndicators(), await accounts.listAgencies())
 */
export function kpiOwnership(indicators: readonly Indicator[], agencies: readonly AgencyOwnerNames[]): KpiOwnership {
  const byAgency = new Map<number, OwnedIndicator[]>(agencies.map((a) => [a.id, []]))
  const unmatched: Indicator[] = []
  for (const indicator of indicators) {
    const agency = agencyForDataOwner(indicator.dataOwner, agencies)
    if (!agency) {
      unmatched.push(indicator)
      continue
    }
    const matchedBy = ownerNameKey(agency.code) === ownerNameKey(indicator.dataOwner) ? 'code' : 'owner-name'
    byAgency.get(agency.id)?.push({ indicator, matchedBy })
  }
  return { byAgency, unmatched }
}

/** One owner name as read from the form, with the line it was typed on. */
export interface OwnerNameEntry {
  readonly name: string
  /** The 1-based line of the list as typed (blank lines counted). */
  readonly line: number
}

/** A problem with one owner name, for the form's error message. */
export interface OwnerNameProblem {
  /** The 1-based position of the name in the list as typed (blank lines counted). */
  readonly line: number
  readonly message: string
}

/** Splits a text area's value into lines (any line ending). */
export function ownerNameLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/)
}

/**
 * Reads the owner names as an administrator typed them (one a line): trimmed, inner white space as single spaces,
 * blank lines skipped, a repeat (same key) kept once. Reports a name that is too long or holds a control character,
 * and a list that is too long. Whether a name belongs to another agency is the service's question (it needs the
 * database).
 *
 * @example
 *   readOwnerNames(['WMP Analyst', '', ' wmp  analyst ', 'West Midlands Police']).names
 *   // [{ name: 'WMP Analyst', line: 1 }, { name: 'West Midlands Police', line: 4 }]
 */
export function readOwnerNames(lines: readonly string[]): { names: OwnerNameEntry[]; problems: OwnerNameProblem[] } {
  const names: OwnerNameEntry[] = []
  const problems: OwnerNameProblem[] = []
  const seen = new Set<string>()
  lines.forEach((raw, index) => {
    const line = index + 1
    const name = raw.normalize('NFC').trim().replace(/\s+/g, ' ')
    if (!name) return
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) {
      problems.push({ line, message: `Line ${line}: remove the control character from this name` })
      return
    }
    if ([...name].length > MAXIMUM_OWNER_NAME_LENGTH) {
      problems.push({ line, message: `Line ${line}: a name must be ${MAXIMUM_OWNER_NAME_LENGTH} characters or fewer` })
      return
    }
    const key = ownerNameKey(name)
    if (seen.has(key)) return
    seen.add(key)
    names.push({ name, line })
  })
  if (names.length > MAXIMUM_OWNER_NAMES) {
    problems.push({ line: 0, message: `Give at most ${MAXIMUM_OWNER_NAMES} names` })
  }
  return { names, problems }
}
