/**
 * The report's glossary: the seed's "Glossary of Terms" as the default set (a partnership edits its own), and the
 * check that every acronym the text uses is defined, either in the glossary or where it is first written out
 * ("Violence Against Women and Girls (VAWG)").
 */
export interface GlossaryEntry {
  readonly term: string
  readonly meaning: string
}

/** The seed report's glossary, as printed (Safer Wolverhampton Partnership Annual Report 2017-2018). */
export const DEFAULT_GLOSSARY: readonly GlossaryEntry[] = [
  { term: 'CRC', meaning: 'Community Rehabilitation Company' },
  { term: 'CRG', meaning: 'Community Reference Group' },
  { term: 'CSP', meaning: 'Community Safety Partnership' },
  { term: 'DIP', meaning: 'Drug Intervention Programme' },
  { term: 'DHR', meaning: 'Domestic Homicide Review' },
  { term: 'FGM', meaning: 'Female Genital Mutilation' },
  { term: 'GODOC', meaning: 'Gangs One Day One Conversation' },
  { term: 'HBV', meaning: 'Honour Based Violence' },
  { term: 'IDVA', meaning: 'Independent Domestic Violence Advisor' },
  { term: 'MAPPA', meaning: 'Multi Agency Public Protection Arrangements' },
  { term: 'MARAC', meaning: 'Multi Agency Risk Assessment Conference' },
  { term: 'MASH', meaning: 'Multi Agency Safeguarding Hub' },
  { term: 'MS', meaning: 'Modern Slavery' },
  { term: 'NPS', meaning: 'National Probation Service' },
  { term: 'OPCC', meaning: 'Office of the Police and Crime Commissioner' },
  { term: 'PACT', meaning: 'Partners and Communities Together' },
  { term: 'PCC', meaning: 'Police and Crime Commissioner' },
  { term: 'SARC', meaning: 'Sexual Assault Referral Centre' },
  { term: 'SWP', meaning: 'Safer Wolverhampton Partnership' },
  { term: 'VAWG', meaning: 'Violence Against Women and Girls' },
  { term: 'WMFS', meaning: 'West Midlands Fire Service' },
  { term: 'WMP', meaning: 'West Midlands Police' },
  { term: 'WRAP', meaning: 'Workshop to Raise Awareness of PREVENT' },
  { term: 'WVBCRG', meaning: 'Wolverhampton Business Crime Reduction Group' },
  { term: 'WDVF', meaning: 'Wolverhampton Domestic Violence Forum' },
  { term: 'YOT', meaning: 'Youth Offending Team' },
]

/** An acronym used but not defined, with how often it is used. */
export interface UndefinedAcronym {
  readonly acronym: string
  readonly uses: number
}

/**
 * The acronyms (two to eight capital letters, a plural `s` allowed: "DHRs") the text uses that neither the glossary
 * nor the text itself defines (an acronym in brackets after its words, "(VAWG)", defines it). Case-sensitive: "SWP"
 * is an acronym, "Swp" is not. Figure references (`{{figure:…}}`) are not text and are skipped.
 */
export function undefinedAcronyms(text: string, glossary: readonly GlossaryEntry[]): UndefinedAcronym[] {
  const prose = text.replace(/\{\{figure:[^}]*\}\}/g, ' ')
  const defined = new Set(glossary.map((g) => g.term.trim().toUpperCase()))
  for (const m of prose.matchAll(/\(([A-Z]{2,8})s?\)/g)) defined.add(m[1] as string)
  const uses = new Map<string, number>()
  for (const m of prose.matchAll(/(?<![A-Za-z0-9])([A-Z]{2,8})(?:s)?(?![A-Za-z0-9])/g)) {
    const acronym = m[1] as string
    if (defined.has(acronym)) continue
    uses.set(acronym, (uses.get(acronym) ?? 0) + 1)
  }
  return [...uses].map(([acronym, n]) => ({ acronym, uses: n })).sort((a, b) => a.acronym.localeCompare(b.acronym))
}

/** Reads the glossary form's text: one entry a line, the term, then a tab, colon or " - ", then its meaning. */
export function parseGlossary(text: string): { entries: GlossaryEntry[]; problems: string[] } {
  const entries: GlossaryEntry[] = []
  const problems: string[] = []
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return
      const m = /^\s*([^\t:]+?)\s*(?:\t|:| - )\s*(.+?)\s*$/.exec(line)
      if (!m) problems.push(`Line ${index + 1}: write the term, a colon, then its meaning`)
      else entries.push({ term: m[1] as string, meaning: m[2] as string })
    })
  return { entries, problems }
}
