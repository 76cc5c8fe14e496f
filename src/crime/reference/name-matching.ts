import type { PartnershipDirectory } from './partnerships.ts'

/**
 * Matching the names in a table of recorded crime ("Bristol, City of", "Unassigned Gwent", "Folkestone and Hythe")
 * to ONS codes. The rule is: normalise what is safe to normalise (case, white space, "&"), apply a small alias
 * table whose every entry is documented, and list whatever is still unmatched for the user to resolve. A name is
 * never matched by similarity: a near miss is offered as a suggestion, not used.
 */

/**
 * Lower case; "[note 4]" markers removed; curly apostrophes straightened; "&" read as "and"; runs of white space
 * (including non-breaking spaces and line breaks) as one space; trimmed. Unicode NFKC first, so that full-width
 * letters compare equal to ordinary ones.
 *
 * @example normaliseName(' Unassigned Devon & Cornwall ') // 'unassigned devon and cornwall'
 */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\[note \d+\]/gi, '')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/&/g, ' and ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()
}

/** What an alias resolves to: a partnership's code, or `FORCE-LEVEL` for an area counted only at force level. */
export type AliasTarget = string

/** Marks a name as an area ONS counts at force level and allocates to no partnership (e.g. an airport: note 2). */
export const FORCE_LEVEL = 'FORCE-LEVEL'

/**
 * The built-in aliases, each with its reason. Keep this short: an alias hides a difference, so each one must be
 * a fact that can be checked.
 */
export const BUILT_IN_PARTNERSHIP_ALIASES: readonly { name: string; target: AliasTarget; reason: string }[] = [
  {
    name: 'Folkestone and Hythe',
    target: 'E22000145',
    reason:
      'Shepway district was renamed Folkestone and Hythe in April 2018; the ONS partnership code E22000145 keeps the name Shepway',
  },
]

/** Force names as the ONS lookup spells them, for the spellings the tables use. */
export const BUILT_IN_FORCE_ALIASES: readonly { name: string; forceCode: string; reason: string }[] = [
  {
    name: 'City of London',
    forceCode: 'E23000034',
    reason: 'the ONS lookup writes "London, City of"',
  },
]

export type NameMatch =
  | { readonly kind: 'partnership'; readonly code: string; readonly via: 'name' | 'alias' }
  /** "Unassigned <force>": crimes the force could not place in a partnership (ONS note 2). */
  | { readonly kind: 'unassigned'; readonly forceCode: string }
  | { readonly kind: 'force-level'; readonly forceCode: string }
  | { readonly kind: 'unmatched'; readonly reason: string; readonly suggestions: readonly string[] }

export interface NameMatcherOptions {
  /** Extra aliases from the user: name → partnership code or `FORCE-LEVEL`. */
  readonly aliases?: ReadonlyMap<string, AliasTarget>
}

/**
 * Matches partnership and force names against the partnership directory.
 *
 * @example
 * const matcher = new NameMatcher(directory)
 * matcher.force('Devon and Cornwall') // 'E23000035'
 * matcher.partnership('folkestone and hythe ', 'E23000032') // { kind: 'partnership', code: 'E22000145', via: 'alias' }
 */
export class NameMatcher {
  readonly #directory: PartnershipDirectory
  readonly #partnershipsByName = new Map<string, string[]>()
  readonly #forcesByName = new Map<string, string>()
  readonly #aliases = new Map<string, AliasTarget>()

  constructor(directory: PartnershipDirectory, options: NameMatcherOptions = {}) {
    this.#directory = directory
    for (const p of directory.partnerships) {
      const key = normaliseName(p.name)
      this.#partnershipsByName.set(key, [...(this.#partnershipsByName.get(key) ?? []), p.code])
    }
    for (const f of directory.forces) this.#forcesByName.set(normaliseName(f.name), f.code)
    for (const a of BUILT_IN_FORCE_ALIASES) this.#forcesByName.set(normaliseName(a.name), a.forceCode)
    for (const a of BUILT_IN_PARTNERSHIP_ALIASES) this.#aliases.set(normaliseName(a.name), a.target)
    for (const [name, target] of options.aliases ?? []) this.#aliases.set(normaliseName(name), target)
  }

  /** The force code for a force name, or null. */
  force(name: string): string | null {
    return this.#forcesByName.get(normaliseName(name)) ?? null
  }

  /**
   * Matches a partnership name within a force (the force disambiguates a name used in two forces, and a
   * partnership found under the wrong force is reported rather than accepted).
   */
  partnership(name: string, forceCode: string | null): NameMatch {
    const key = normaliseName(name)
    if (key === '') return { kind: 'unmatched', reason: 'the name is empty', suggestions: [] }
    const unassigned = /^unassigned (.+)$/.exec(key)
    if (unassigned) {
      const named = this.force(unassigned[1] as string)
      if (!named) return { kind: 'unmatched', reason: `"${name.trim()}" names no known police force`, suggestions: [] }
      return { kind: 'unassigned', forceCode: named }
    }
    const alias = this.#aliases.get(key)
    if (alias !== undefined) {
      if (alias === FORCE_LEVEL) {
        if (!forceCode) return { kind: 'unmatched', reason: 'a force-level area needs its force', suggestions: [] }
        return { kind: 'force-level', forceCode }
      }
      const p = this.#directory.byCode(alias)
      if (!p) return { kind: 'unmatched', reason: `the alias points at an unknown code ${alias}`, suggestions: [] }
      if (forceCode && p.forceCode !== forceCode) {
        return {
          kind: 'unmatched',
          reason: `the alias points at ${p.name} (${p.code}), which is in ${p.forceName}, not this row's force`,
          suggestions: [],
        }
      }
      return { kind: 'partnership', code: p.code, via: 'alias' }
    }
    const codes = this.#partnershipsByName.get(key) ?? []
    const inForce = forceCode ? codes.filter((c) => this.#directory.byCode(c)?.forceCode === forceCode) : codes
    if (inForce.length === 1) return { kind: 'partnership', code: inForce[0] as string, via: 'name' }
    if (inForce.length > 1) {
      return { kind: 'unmatched', reason: `"${name.trim()}" names more than one partnership`, suggestions: inForce }
    }
    if (codes.length > 0) {
      const where = codes.map((c) => this.#directory.byCode(c)?.forceName).join(', ')
      return {
        kind: 'unmatched',
        reason: `"${name.trim()}" is a partnership in ${where}, not in this row's force`,
        suggestions: [],
      }
    }
    return { kind: 'unmatched', reason: `no partnership is called "${name.trim()}"`, suggestions: [] }
  }
}
