/**
 * Proposing a "most similar group" of partnerships by nearest neighbours, the open method of the ONS statistical
 * nearest neighbours and CIPFA's nearest neighbours models:
 *
 * 1. each variable is standardised across all candidate areas to a z-score, z = (x − mean) / sd, with the
 *    population standard deviation (divide by n), so that no variable counts more because of its units;
 * 2. the distance between two areas is the Euclidean distance between their vectors of z-scores (every variable
 *    weighted equally);
 * 3. the group is the area itself and its nearest neighbours by that distance (ties broken by ONS code, so the
 *    result does not depend on input order).
 *
 * A variable that is the same for every candidate (sd = 0) carries no information and is left out, with a note.
 * The Home Office's own most similar groups come from a cluster analysis of social and economic characteristics
 * and are not published openly; a proposal from this function is a documented substitute, to be checked and
 * saved by the partnership, never applied silently.
 */
export interface NeighbourCandidate {
  readonly code: string
  readonly name: string
  /** One value per variable, in the order of `variables`. */
  readonly values: readonly number[]
}

export interface NeighbourProposal {
  /** The nearest candidates, nearest first (the target itself not included). */
  readonly neighbours: readonly { readonly code: string; readonly name: string; readonly distance: number }[]
  /** How many candidates (the target included) the variables were standardised over. */
  readonly candidates: number
  /** Per variable: its mean and standard deviation over the candidates, and whether it was used. */
  readonly standardisation: readonly {
    readonly variable: string
    readonly mean: number
    readonly sd: number
    readonly used: boolean
  }[]
  readonly notes: readonly string[]
}

/**
 * The `count` nearest neighbours of `targetCode` among `candidates` (which must include the target).
 *
 * @example
 * proposeNearestNeighbours('a', [{ code: 'a', name: 'A', values: [0] }, { code: 'b', name: 'B', values: [1] }, { code: 'c', name: 'C', values: [3] }], ['x'], 1)
 * // neighbours: [{ code: 'b', name: 'B', distance: 0.80… }]
 */
export function proposeNearestNeighbours(
  targetCode: string,
  candidates: readonly NeighbourCandidate[],
  variables: readonly string[],
  count: number,
): NeighbourProposal {
  if (!Number.isInteger(count) || count < 1) throw new Error(`The number of neighbours must be 1 or more, not ${count}`)
  const target = candidates.find((c) => c.code === targetCode)
  if (!target) throw new Error(`${targetCode} is not among the candidates (it needs a value for every variable)`)
  for (const c of candidates) {
    if (c.values.length !== variables.length || c.values.some((v) => !Number.isFinite(v))) {
      throw new Error(`${c.name} (${c.code}) needs one finite value for each of the ${variables.length} variables`)
    }
  }
  const notes: string[] = []
  const n = candidates.length
  const standardisation = variables.map((variable, j) => {
    const mean = candidates.reduce((s, c) => s + (c.values[j] as number), 0) / n
    const sd = Math.sqrt(candidates.reduce((s, c) => s + ((c.values[j] as number) - mean) ** 2, 0) / n)
    const used = sd > 0
    if (!used) notes.push(`"${variable}" is the same for every area, so it is left out.`)
    return { variable, mean, sd, used }
  })
  const z = (c: NeighbourCandidate) =>
    standardisation.map((s, j) => (s.used ? ((c.values[j] as number) - s.mean) / s.sd : 0))
  const targetZ = z(target)
  const others = candidates
    .filter((c) => c.code !== targetCode)
    .map((c) => {
      const cz = z(c)
      const distance = Math.sqrt(cz.reduce((s, v, j) => s + (v - (targetZ[j] as number)) ** 2, 0))
      return { code: c.code, name: c.name, distance }
    })
    .sort((a, b) => a.distance - b.distance || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
  if (others.length < count) {
    notes.push(`Only ${others.length} other areas have every variable, fewer than the ${count} asked for.`)
  }
  return { neighbours: others.slice(0, count), candidates: n, standardisation, notes }
}
