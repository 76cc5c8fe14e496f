import fs from 'node:fs'
import path from 'node:path'
import {
  readDistrictPartnershipFile,
  readLsoaDistrictFile,
  readSuccessorFile,
  lookupFilePaths,
} from '../src/crime/geography/lookup-files.ts'
import { Geography } from '../src/crime/geography/geography.ts'
import { POLICE_FORCES, type PoliceForce } from '../src/crime/geography/police-forces.ts'

/**
 * Synthetic data.police.uk street-level files for the benchmark and the kill-and-restart test: deterministic (a seeded
 * generator), in the archive's layout (`2020-01/2020-01-gwent-street.csv`) and format (CRLF, 12 columns), with each
 * force's rows spread over the LSOAs of its own partnerships, LSOA names from the district names, the crime-type mix
 * and outcomes of the real Gwent files, 0.4% of rows without a location, 1% in another force's area, and quoting where
 * it occurs (district names with commas) or could (3% of locations with a comma, some with doubled quotes).
 */
export interface GeneratorOptions {
  readonly directory: string
  /** `YYYY-MM` months to write. */
  readonly months: readonly string[]
  /** 1 = a national month of about 500,000 rows (6 million a year). */
  readonly scale: number
  readonly seed: number
  /** data.police.uk force identifiers; default all 43 forces of England and Wales. */
  readonly forces?: readonly string[]
}

export interface GeneratedFiles {
  readonly files: string[]
  readonly rows: number
  readonly bytes: number
}

/** Rows per LSOA per month nationally: 6 million a year over 34,753 LSOAs. */
const ROWS_PER_LSOA_MONTH = 6_000_000 / 12 / 34_753

// The Gwent files' crime-type mix (128,382 rows, 2020-01 to 2021-12).
const CRIME_TYPE_MIX: [string, number][] = [
  ['Anti-social behaviour', 44175],
  ['Violence and sexual offences', 42169],
  ['Public order', 16453],
  ['Other theft', 7372],
  ['Shoplifting', 5206],
  ['Vehicle crime', 5096],
  ['Burglary', 4693],
  ['Drugs', 3494],
  ['Criminal damage and arson', 3187],
  ['Other crime', 2958],
  ['Bicycle theft', 704],
  ['Possession of weapons', 548],
  ['Robbery', 546],
  ['Theft from the person', 434],
]
const OUTCOMES: [string, number][] = [
  ['Unable to prosecute suspect', 35272],
  ['Investigation complete; no suspect identified', 22873],
  ['Status update unavailable', 20465],
  ['Court result unavailable', 5794],
  ['Under investigation', 3385],
  ['Local resolution', 1460],
  ['Formal action is not in the public interest', 1005],
  ['Offender given a caution', 872],
  ['Offender given a drugs possession warning', 670],
  ['Awaiting court outcome', 556],
  ['Offender given penalty notice', 424],
]
const PLACES = [
  'Supermarket',
  'Parking Area',
  'Sports/Recreation Area',
  'Petrol Station',
  'Pedestrian Subway',
  'Shopping Area',
  'Nightclub',
  'Hospital',
  'Station Road',
  'High Street',
  'Church Street',
  'Park Road',
  'Victoria Road',
  'Mill Lane',
  'Bridge Street',
  "St Mary's Close",
  'Heol Gwyn Lliw',
  'Twyncynghordy Road',
]

/** mulberry32: small, fast, and the same sequence on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function picker(weights: [string, number][]): (r: number) => string {
  const total = weights.reduce((sum, [, w]) => sum + w, 0)
  const cumulative = weights
    .map(([, w]) => w / total)
    .map((_, i, all) => all.slice(0, i + 1).reduce((a, b) => a + b, 0))
  return (r) => {
    for (let i = 0; i < cumulative.length; i++)
      if (r < (cumulative[i] as number)) return (weights[i] as [string, number])[0]
    return (weights.at(-1) as [string, number])[0]
  }
}

const HEX4 = Array.from({ length: 65536 }, (_, i) => i.toString(16).padStart(4, '0'))

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** Writes the files; returns their paths, rows and bytes. */
export function generatePoliceUkFiles(options: GeneratorOptions): GeneratedFiles {
  const paths = lookupFilePaths(null)
  const lsoaRows = readLsoaDistrictFile(paths.lsoa)
  const partnershipRows = readDistrictPartnershipFile(paths.partnership)
  const successorRows = readSuccessorFile(paths.successor)
  const geography = Geography.build(lsoaRows, partnershipRows, successorRows)
  const districtNames = new Map<string, string>()
  for (const r of partnershipRows) districtNames.set(r.districtCode, r.districtName)
  for (const r of successorRows) districtNames.set(r.oldDistrictCode, r.oldDistrictName)

  // LSOA names: "<district> 001A", numbered in code order within each district.
  const perDistrict = new Map<string, number>()
  const lsoaNames = lsoaRows.map((r) => {
    const n = perDistrict.get(r.districtCode) ?? 0
    perDistrict.set(r.districtCode, n + 1)
    const name = `${districtNames.get(r.districtCode) ?? 'Unknown'} ${String(Math.floor(n / 4) + 1).padStart(3, '0')}${'ABCD'[n % 4]}`
    return csvField(name)
  })
  const lsoasOfForceArea = new Map<string, number[]>()
  geography.lsoaCodes.forEach((_, i) => {
    const p = geography.partnerships[geography.lsoaPartnership[i] as number]
    if (!p) return
    const list = lsoasOfForceArea.get(p.forceAreaCode) ?? []
    list.push(i)
    lsoasOfForceArea.set(p.forceAreaCode, list)
  })
  const allLsoas = geography.lsoaCodes.map((_, i) => i)

  const forces: PoliceForce[] = (
    options.forces ? options.forces.map((id) => POLICE_FORCES.find((f) => f.id === id)) : POLICE_FORCES
  ).filter((f): f is PoliceForce => f !== undefined && f.forceAreaCode !== null)
  const crimeType = picker(CRIME_TYPE_MIX)
  const outcome = picker(OUTCOMES)
  const files: string[] = []
  let rows = 0
  let bytes = 0
  const header =
    'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\r\n'
  options.months.forEach((month, monthIndex) => {
    const folder = path.join(options.directory, month)
    fs.mkdirSync(folder, { recursive: true })
    forces.forEach((force, forceIndex) => {
      const next = random(options.seed * 1_000_003 + monthIndex * 7919 + forceIndex * 104_729)
      const own = lsoasOfForceArea.get(force.forceAreaCode as string) ?? []
      // Some LSOAs have far more crime than others: a fixed weight per LSOA (1 to 8), drawn once per file.
      const weighted: number[] = []
      for (const lsoa of own) for (let k = Math.floor(1 + next() * next() * 8); k > 0; k--) weighted.push(lsoa)
      const seasonal = 1 + 0.1 * Math.sin(((Number(month.slice(5)) - 1) / 12) * 2 * Math.PI)
      const count = Math.round(own.length * ROWS_PER_LSOA_MONTH * options.scale * seasonal)
      const file = path.join(folder, `${month}-${force.id}-street.csv`)
      const fd = fs.openSync(file, 'w')
      let chunk: string[] = [header]
      let length = header.length
      for (let i = 0; i < count; i++) {
        const type = crimeType(next())
        const asb = type === 'Anti-social behaviour'
        let id = ''
        if (!asb) for (let k = 0; k < 16; k++) id += HEX4[Math.floor(next() * 65536)]
        const where = next()
        let location: string
        let lsoa = ''
        let lsoaName = ''
        let longitude = ''
        let latitude = ''
        if (where < 0.004) location = 'No Location'
        else {
          const index =
            where < 0.014
              ? (allLsoas[Math.floor(next() * allLsoas.length)] as number)
              : (weighted[Math.floor(next() * weighted.length)] as number)
          lsoa = geography.lsoaCodes[index] as string
          lsoaName = lsoaNames[index] as string
          longitude = (-5 + next() * 6.5).toFixed(6)
          latitude = (50 + next() * 5).toFixed(6)
          const place = PLACES[Math.floor(next() * PLACES.length)] as string
          const r = next()
          location =
            r < 0.025
              ? `"On or near ${place}, Upper"`
              : r < 0.03
                ? `"On or near ""The ${place}"""`
                : `On or near ${place}`
        }
        const line = `${id},${month},${force.name},${force.name},${longitude},${latitude},${location},${lsoa},${lsoaName},${type},${asb ? '' : outcome(next())},\r\n`
        chunk.push(line)
        length += line.length
        if (chunk.length >= 8192) {
          fs.writeSync(fd, chunk.join(''))
          chunk = []
        }
      }
      fs.writeSync(fd, chunk.join(''))
      fs.closeSync(fd)
      files.push(file)
      rows += count
      bytes += length
    })
  })
  return { files, rows, bytes }
}
