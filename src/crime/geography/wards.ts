import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { parse } from 'csv-parse/sync'
import type { Geography } from './geography.ts'

/**
 * The ONS wards of 2018 (electoral wards and divisions, `WD18`) and the LSOAs that make them up, as the project ships
 * them in `reference/ons/` (see its README.md: derived from the ONS LSOA (2011) to Ward (2018) lookup, Open Government
 * Licence). A partnership's wards are those whose LSOAs the geography places in it, so a ward of a district merged
 * since 2018 still lands in the partnership that now covers its area. Pure apart from `readWardLookup`.
 *
 * Why 2018: it is the ward lookup that matches the LSOA (2011) lookup the crime figures already use, and the year of
 * the demo's annual report. Boundaries reviewed since (Wolverhampton's in 2023) give new codes the lookup does not hold;
 * a partnership adds those wards by hand.
 */
export interface OnsWard {
  /** E05…… or W05……. */
  readonly code: string
  readonly name: string
  /** The Welsh name of a Welsh ward, where ONS gives one. */
  readonly welshName: string | null
}

export const WARD_LSOA_FILE = 'lsoa-to-ward.csv.gz'
export const WARD_NAME_FILE = 'wards.csv.gz'

const WARD_CODE = /^[EW]05\d{6}$/
const LSOA_CODE = /^[EW]01\d{6}$/

export class WardLookup {
  readonly #wards: ReadonlyMap<string, OnsWard>
  /** Each ward's LSOAs. */
  readonly #lsoas: ReadonlyMap<string, readonly string[]>

  private constructor(wards: Map<string, OnsWard>, lsoas: Map<string, string[]>) {
    this.#wards = wards
    this.#lsoas = lsoas
  }

  /** From the two files' rows; throws naming the row of a code that is not one. */
  static build(lsoaRows: readonly (readonly [string, string])[], wardRows: readonly OnsWard[]): WardLookup {
    const wards = new Map<string, OnsWard>()
    wardRows.forEach((w, i) => {
      if (!WARD_CODE.test(w.code)) throw new Error(`${WARD_NAME_FILE} row ${i + 2}: "${w.code}" is not a ward code`)
      wards.set(w.code, w)
    })
    const lsoas = new Map<string, string[]>()
    lsoaRows.forEach(([lsoa, ward], i) => {
      if (!LSOA_CODE.test(lsoa) || !wards.has(ward))
        throw new Error(`${WARD_LSOA_FILE} row ${i + 2}: "${lsoa}" in "${ward}" is not an LSOA of a known ward`)
      const list = lsoas.get(ward)
      if (list) list.push(lsoa)
      else lsoas.set(ward, [lsoa])
    })
    return new WardLookup(wards, lsoas)
  }

  /** The ward of this code, or null. */
  ward(code: string): OnsWard | null {
    return this.#wards.get(code.toUpperCase()) ?? null
  }

  /**
   * The wards lying in the partnership of ONS code `partnershipCode`, by name: a ward is the partnership's when most
   * of its LSOAs are (in 2018 a ward never crossed a district, so in practice all of them are).
   *
   * @example lookup.wardsOf(geography, 'E22000183').length // 20 (Wolverhampton's wards of 2018)
   */
  wardsOf(geography: Geography, partnershipCode: string): OnsWard[] {
    const found: OnsWard[] = []
    for (const [code, lsoas] of this.#lsoas) {
      const inside = lsoas.filter((l) => geography.partnershipOfLsoa(l)?.code === partnershipCode).length
      if (inside * 2 > lsoas.length) found.push(this.#wards.get(code) as OnsWard)
    }
    return found.sort((a, b) => a.name.localeCompare(b.name, 'en-GB'))
  }
}

function readGzipCsv(file: string): string[][] {
  const text = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')
  const [, ...rows] = parse(text.replace(/^\uFEFF/, ''), { skip_empty_lines: true }) as string[][]
  return rows
}

/** Reads the shipped ward files from `directory` (the project's `reference/ons/`). */
export function readWardLookup(directory: string): WardLookup {
  const wards = readGzipCsv(path.join(directory, WARD_NAME_FILE)).map(([code = '', name = '', welsh = '']) => ({
    code,
    name,
    welshName: welsh === '' ? null : welsh,
  }))
  const lsoas = readGzipCsv(path.join(directory, WARD_LSOA_FILE)).map(([l = '', w = '']) => [l, w] as const)
  return WardLookup.build(lsoas, wards)
}
