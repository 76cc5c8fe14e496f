import { isTwoStepPolicy, type TwoStepPolicy } from '../config.ts'

/** A Community Safety Partnership served by this instance. */
export interface Partnership {
  readonly id: number
  /** In its addresses: `/p/<slug>/dashboard`. Lower case letters, digits and hyphens. */
  readonly slug: string
  readonly name: string
  /** ONS code (E22…… in England, W14…… in Wales) where it has one: its districts and police force come from it. */
  readonly onsCode: string | null
  readonly nation: 'england' | 'wales'
  /** Its own settings; null: the instance's (from the environment). */
  readonly settings: PartnershipSettings
  readonly createdAt: string
}

export interface PartnershipSettings {
  /** Public figures from 1 up to one less than this are withheld. */
  readonly disclosureMinimum: number | null
  /** Quarterly returns are due this many days after the quarter ends. */
  readonly returnsDueDays: number | null
  /** Who must use two-step sign-in in this partnership. */
  readonly twoStepPolicy: TwoStepPolicy | null
}

/** The instance's settings, which a partnership's null settings fall back to. */
export interface InstanceDefaults {
  readonly disclosureMinimum: number
  readonly returnsDueDays: number
  readonly twoStepPolicy: TwoStepPolicy
}

/** A partnership's settings with the instance's filling the gaps. */
export function effectiveSettings(partnership: Partnership, defaults: InstanceDefaults): InstanceDefaults {
  return {
    disclosureMinimum: partnership.settings.disclosureMinimum ?? defaults.disclosureMinimum,
    returnsDueDays: partnership.settings.returnsDueDays ?? defaults.returnsDueDays,
    twoStepPolicy: partnership.settings.twoStepPolicy ?? defaults.twoStepPolicy,
  }
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/** True for a slug as the addresses use it. */
export function isSlug(value: string): boolean {
  return value.length >= 1 && value.length <= 60 && SLUG.test(value)
}

/**
 * A slug from a partnership's name, leaving out the words every partnership's name shares.
 *
 * @example
 *   slugFromName('Safer Wolverhampton Partnership') // 'wolverhampton'
 *   slugFromName('Newport Community Safety Partnership') // 'newport'
 */
export function slugFromName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)
  const kept = words.filter((w) => !['safer', 'partnership', 'community', 'safety', 'csp', 'the'].includes(w))
  const slug = (kept.length > 0 ? kept : words).join('-').slice(0, 60).replace(/-+$/, '')
  return slug || 'partnership'
}

/** ONS Community Safety Partnership codes: E22 (England) or W14 (Wales) and six digits. */
export const ONS_PARTNERSHIP_CODE = /^(E22|W14)\d{6}$/

/** England or Wales, from an ONS code. */
export function nationOfCode(code: string): 'england' | 'wales' {
  return code.startsWith('W') ? 'wales' : 'england'
}

export function toTwoStepPolicy(value: string | null): TwoStepPolicy | null {
  return value !== null && isTwoStepPolicy(value) ? value : null
}
