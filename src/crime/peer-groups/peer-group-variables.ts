import type { PartnershipDirectory } from '../reference/partnerships.ts'
import type { AreaCounts } from '../reference/recorded-crime-table.ts'
import type { DistrictProfileTable } from './district-profile.ts'
import type { NeighbourCandidate } from './nearest-neighbours.ts'

/**
 * The public variables a proposed most similar group is built from, per partnership (docs/crime-comparisons.md
 * gives the reasons and the evidence). The Home Office builds its most similar groups from characteristics "closely
 * related to levels of crime"; these are the ones the project can derive for every partnership of England and
 * Wales from the public data it reads:
 *
 * - where people live and who they are (ONS mid-year estimates, `district-profile.ts`): population density (log10
 *   of residents per km², because density runs from about 25 to over 16,000 and a few cities would otherwise decide
 *   every distance); the share aged 16 to 29 and the share aged 65 and over; population turnover (moves in and out
 *   across the boundary in the year, per resident: students, new towns and inner cities);
 * - the crime profile (ONS recorded crime by partnership, the latest year imported): the level, as log10 of crimes
 *   per 1,000 residents, and the mix, as two shares of recorded crime: violence with injury and sexual offences
 *   (violence without injury and stalking and harassment are left out of the share, because their recording differs
 *   most between forces), and acquisitive crime (theft offences, which include burglary and vehicle crime, and
 *   robbery).
 *
 * The crime level stands in for what the project has no public measure of (deprivation): without it, the
 * variables cannot tell a deprived town from an affluent suburb of the same density and age (Newport's proposal
 * was mostly Surrey districts). Its cost: the group is chosen partly on the figure it is then ranked on, so the
 * partnership tends to sit mid-table; `includeCrimeRate: false` leaves it out.
 *
 * Counts are summed over a partnership's districts before any share is taken (exact for partnerships of several
 * districts). Partnerships that share a district with others are left out and listed: the district figures cannot
 * be split between them without guessing.
 */
export type PeerVariableId =
  | 'population-density'
  | 'aged-16-to-29'
  | 'aged-65-and-over'
  | 'population-turnover'
  | 'crime-rate'
  | 'violence-share'
  | 'acquisitive-share'

export interface PeerVariable {
  readonly id: PeerVariableId
  /** For the method note: what it is and where it comes from. */
  readonly name: string
  /** A short column heading. */
  readonly heading: string
  /** The value (as used in the distance) in the analyst's own units: "861 per km²", "16.0%". */
  readonly show: (value: number) => string
}

export interface VariableInput {
  readonly directory: PartnershipDirectory
  readonly profile: DistrictProfileTable
  /** Recorded crime by area for one year (ONS tables C2, with C4's population). */
  readonly recordedCrime: readonly AreaCounts[]
  /** "the year ending December 2024". */
  readonly recordedCrimeLabel: string
  /** Default true; false leaves the crime level out (the group is then not chosen on the figure it is ranked on). */
  readonly includeCrimeRate?: boolean
}

export interface PeerGroupVariables {
  readonly variables: readonly PeerVariable[]
  /** Every partnership with every variable; `values` in the order of `variables`. */
  readonly candidates: readonly NeighbourCandidate[]
  readonly excluded: readonly { readonly code: string; readonly name: string; readonly reason: string }[]
  /** How the variables were made, for the saved group's method note. */
  readonly description: string
}

const percent = (v: number) => `${(v * 100).toFixed(1)}%`

/** The variables, in the order their values are given. */
export function peerVariables(input: {
  profileYear: number
  recordedCrimeLabel: string
  includeCrimeRate: boolean
}): PeerVariable[] {
  const mid = `ONS mid-${input.profileYear} estimates`
  const all: PeerVariable[] = [
    {
      id: 'population-density',
      name: `population density (log10 of residents per km², ${mid})`,
      heading: 'per km²',
      show: (v) => Math.round(10 ** v).toLocaleString('en-GB'),
    },
    { id: 'aged-16-to-29', name: `share of residents aged 16 to 29 (${mid})`, heading: '16–29', show: percent },
    { id: 'aged-65-and-over', name: `share aged 65 and over (${mid})`, heading: '65+', show: percent },
    {
      id: 'population-turnover',
      name: `population turnover: moves in and out in the year to mid-${input.profileYear}, internal and international, per resident (${mid})`,
      heading: 'moves/100',
      show: (v) => (v * 100).toFixed(1),
    },
    {
      id: 'crime-rate',
      name: `recorded crime (excluding fraud) per 1,000 residents, log10 (${input.recordedCrimeLabel}; population of ONS table C4)`,
      heading: 'crimes/1,000',
      show: (v) => (10 ** v).toFixed(1),
    },
    {
      id: 'violence-share',
      name: `violence with injury and sexual offences: share of recorded crime (${input.recordedCrimeLabel})`,
      heading: 'violence',
      show: percent,
    },
    {
      id: 'acquisitive-share',
      name: `theft offences and robbery: share of recorded crime (${input.recordedCrimeLabel})`,
      heading: 'acquisitive',
      show: percent,
    },
  ]
  return input.includeCrimeRate ? all : all.filter((v) => v.id !== 'crime-rate')
}

/** Builds the variables of every partnership that has them all. Pure: no I/O. */
export function peerGroupVariables(input: VariableInput): PeerGroupVariables {
  const includeCrimeRate = input.includeCrimeRate ?? true
  const variables = peerVariables({
    profileYear: input.profile.midYear,
    recordedCrimeLabel: input.recordedCrimeLabel,
    includeCrimeRate,
  })
  const crime = new Map(input.recordedCrime.filter((a) => a.kind === 'partnership').map((a) => [a.key, a]))
  const candidates: NeighbourCandidate[] = []
  const excluded: { code: string; name: string; reason: string }[] = []
  for (const p of input.directory.partnerships) {
    const exclude = (reason: string) => excluded.push({ code: p.code, name: p.name, reason })
    if (!input.directory.isWholeDistricts(p.code)) {
      const shared = p.districtCodes.flatMap((d) => {
        const others = input.directory.partnerships.filter((o) => o.code !== p.code && o.districtCodes.includes(d))
        const name = input.profile.districts.get(d)?.name ?? d
        return others.length === 0 ? [] : [`${name} (${d}) with ${others.map((o) => o.name).join(', ')}`]
      })
      exclude(
        `shares a district (${shared.join('; ')}): ONS publishes population by age, area and moves for whole ` +
          'districts only, so its own figures cannot be told apart',
      )
      continue
    }
    const districts = p.districtCodes.map((d) => input.profile.districts.get(d))
    const lacking = p.districtCodes.filter((_, i) => districts[i] === undefined)
    if (lacking.length > 0) {
      exclude(
        `has no mid-${input.profile.midYear} profile for district ${lacking.join(', ')} (${input.profile.source})`,
      )
      continue
    }
    const sum = (f: (d: NonNullable<(typeof districts)[number]>) => number) =>
      districts.reduce((s, d) => s + f(d as NonNullable<typeof d>), 0)
    const residents = sum((d) => d.population)
    const counts = crime.get(p.code)
    const get = (id: Parameters<AreaCounts['counts']['get']>[0]) => counts?.counts.get(id) ?? null
    const total = get('total-recorded-crime')
    if (!counts || total === null || total <= 0) {
      exclude(`has no recorded crime figure for ${input.recordedCrimeLabel}`)
      continue
    }
    const parts = [get('violence-with-injury'), get('sexual-offences'), get('theft-offences'), get('robbery')]
    if (parts.some((v) => v === null)) {
      exclude(`has no figure for an offence group it needs (${input.recordedCrimeLabel})`)
      continue
    }
    const [violenceWithInjury = 0, sexual = 0, theft = 0, robbery = 0] = parts as number[]
    // ONS's own rates use table C4's population; a CSV extract without it falls back to the profile's residents.
    const ratePopulation = counts.population ?? residents
    const values = [
      Math.log10(residents / sum((d) => d.areaSqKm)),
      sum((d) => d.aged16To29) / residents,
      sum((d) => d.aged65AndOver) / residents,
      sum((d) => d.movesInAndOut) / residents,
      ...(includeCrimeRate ? [Math.log10((total / ratePopulation) * 1000)] : []),
      (violenceWithInjury + sexual) / total,
      (theft + robbery) / total,
    ]
    candidates.push({ code: p.code, name: p.name, values })
  }
  const description =
    `Nearest neighbours by Euclidean distance over z-scores of ${variables.length} variables, weighted equally: ` +
    `${variables.map((v) => v.name).join('; ')}. Candidates: ${candidates.length} partnerships of England and ` +
    `Wales (${excluded.length} left out: shared districts or missing figures).` +
    (includeCrimeRate
      ? ' The crime level is among the variables, so the group is similar in level and the rank within it is ' +
        'read against that.'
      : ' The crime level is not among the variables.')
  return { variables, candidates, excluded, description }
}
