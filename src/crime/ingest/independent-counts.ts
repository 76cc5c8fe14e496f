import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { SHIPPED_LOOKUP_DIRECTORY } from '../geography/lookup-files.ts'

/** One file's figures as `independent-counts.py` (Python's csv module) computes them. */
export interface IndependentFileCounts {
  readonly rows: number
  readonly without_location: number
  readonly outside: number
  readonly unmapped: number
  /** "partnership code|crime type" → crimes. */
  readonly counts: Record<string, number>
  /** "lsoa code|partnership code|crime type" → crimes, for the served partnerships. */
  readonly lsoa_counts: Record<string, number>
}

const SCRIPT = fileURLToPath(new URL('./independent-counts.py', import.meta.url))

/**
 * Expected figures for tests and checks, from a separate Python program over the same files and lookups
 * (never from the code under test). Files in a zip archive are named `archive.zip!member`.
 */
export function independentCounts(
  files: readonly string[],
  servedPartnershipCodes: readonly string[] = [],
): Record<string, IndependentFileCounts> {
  const output = execFileSync(
    'python3',
    [SCRIPT, SHIPPED_LOOKUP_DIRECTORY, servedPartnershipCodes.join(','), ...files],
    { encoding: 'utf8', maxBuffer: 256 << 20 },
  )
  return JSON.parse(output) as Record<string, IndependentFileCounts>
}
