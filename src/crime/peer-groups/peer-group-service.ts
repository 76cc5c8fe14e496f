import { createHash } from 'node:crypto'
import type { PartnershipDirectory } from '../reference/partnerships.ts'
import type { ImportFile } from '../reference/read-ons-tables.ts'
import { yearEndingLabel, type TableProblem } from '../reference/recorded-crime-table.ts'
import type { ReferenceRepository } from '../reference/reference-repository.ts'
import { districtProfileLoader, type DistrictProfileTable } from './district-profile.ts'
import { proposeNearestNeighbours, type NeighbourProposal } from './nearest-neighbours.ts'
import { isIsoDate, readPeerGroupFile, type PeerGroup } from './peer-group.ts'
import type { PeerGroupRepository, StoredPeerGroup } from './peer-group-repository.ts'
import { peerGroupVariables, type PeerVariable } from './peer-group-variables.ts'

export type PeerGroupImportResult =
  | {
      readonly outcome: 'rejected'
      readonly problems: readonly TableProblem[]
      readonly notes: readonly TableProblem[]
    }
  | {
      readonly outcome: 'applied'
      readonly groups: readonly {
        readonly id: number
        readonly partnership: string
        readonly name: string
        readonly size: number
      }[]
      readonly notes: readonly TableProblem[]
      readonly sha256: string
    }

export interface PeerGroupProposal {
  /** Ready to save: method `proposed`, members nearest first, the partnership itself first at distance 0. */
  readonly group: PeerGroup
  readonly proposal: NeighbourProposal
  readonly variables: readonly PeerVariable[]
  /** Each member's values (same order as `group.members` and `variables`), for the analyst to judge the group. */
  readonly memberValues: readonly (readonly number[])[]
  readonly excluded: readonly { readonly code: string; readonly name: string; readonly reason: string }[]
}

export interface PeerGroupService {
  importFile(file: ImportFile, actor: string): Promise<PeerGroupImportResult>
  /** Saves a group the user entered (members by name or code); problems are returned, nothing saved. */
  enter(
    input: { partnershipCode: string; name: string; source: string; asOf: string; members: readonly string[] },
    actor: string,
  ): Promise<PeerGroupImportResult>
  /**
   * Proposes a most similar group by nearest neighbours over public variables (see `peer-group-variables.ts`):
   * the partnership and its `size − 1` nearest neighbours. Not saved: call `save` once the user has checked it.
   */
  propose(partnershipCode: string, options?: { size?: number; includeCrimeRate?: boolean }): Promise<PeerGroupProposal>
  save(group: PeerGroup, actor: string): Promise<number>
  /** Reads the district profile again (after `saferhub crime peer-group profile` wrote a new one). */
  reloadProfile(): DistrictProfileTable
  list(partnershipCode: string): Promise<StoredPeerGroup[]>
  current(partnershipCode: string, name?: string): Promise<StoredPeerGroup | null>
}

export interface PeerGroupDependencies {
  readonly repository: PeerGroupRepository
  readonly references: ReferenceRepository
  readonly directory: () => PartnershipDirectory
  /** The districts' mid-year profile (`district-profile.ts`); default: the one the project ships. */
  readonly profile?: (() => DistrictProfileTable) & { reload?: () => DistrictProfileTable }
  readonly today?: () => string
}

/** The size of a Home Office most similar group: the partnership and 14 others. */
export const DEFAULT_GROUP_SIZE = 15

export function createPeerGroupService(dependencies: PeerGroupDependencies): PeerGroupService {
  const { repository, references } = dependencies
  const profile = dependencies.profile ?? districtProfileLoader(null)
  const today = dependencies.today ?? (() => new Date().toISOString().slice(0, 10))
  const applied = async (groups: readonly PeerGroup[], actor: string, notes: readonly TableProblem[], sha: string) => {
    const ids = await repository.save(groups, actor)
    const directory = dependencies.directory()
    return {
      outcome: 'applied' as const,
      groups: groups.map((g, i) => ({
        id: ids[i] as number,
        partnership: directory.byCode(g.partnershipCode)?.name ?? g.partnershipCode,
        name: g.name,
        size: g.members.length,
      })),
      notes,
      sha256: sha,
    }
  }
  return {
    async importFile(file, actor) {
      const read = readPeerGroupFile(file, dependencies.directory())
      if (read.problems.length > 0) return { outcome: 'rejected', problems: read.problems, notes: read.notes }
      return applied(read.groups, actor, read.notes, createHash('sha256').update(file.content).digest('hex'))
    },

    async enter(input, actor) {
      const csv = [
        'partnership,group,source,as_of,member',
        ...input.members.map((m) =>
          [input.partnershipCode, input.name, input.source, input.asOf, m]
            .map((v) => `"${v.replace(/"/g, '""')}"`)
            .join(','),
        ),
      ].join('\n')
      const content = Buffer.from(csv, 'utf8')
      const read = readPeerGroupFile({ name: 'entered', content }, dependencies.directory())
      if (read.problems.length > 0) return { outcome: 'rejected', problems: read.problems, notes: read.notes }
      const groups = read.groups.map((g) => ({ ...g, method: 'entered' as const }))
      return applied(groups, actor, read.notes, createHash('sha256').update(content).digest('hex'))
    },

    async propose(partnershipCode, options = {}) {
      const size = options.size ?? DEFAULT_GROUP_SIZE
      if (!Number.isInteger(size) || size < 2) throw new Error(`A group needs at least 2 members, not ${size}`)
      const directory = dependencies.directory()
      const self = directory.byCode(partnershipCode)
      if (!self) throw new Error(`${partnershipCode} is not a partnership of the ONS lookup`)
      const crimeYear = (await references.listRecordedCrimeYears()).find((y) => y.dataset === 'ons-pfa-tables')
      if (!crimeYear) {
        throw new Error('No ONS recorded crime tables are stored: run `saferhub crime import-ons-tables FILE` first')
      }
      const built = peerGroupVariables({
        directory,
        profile: profile(),
        recordedCrime: await references.recordedCrime('ons-pfa-tables', crimeYear.yearEnding),
        recordedCrimeLabel: yearEndingLabel(crimeYear.yearEnding),
        includeCrimeRate: options.includeCrimeRate ?? true,
      })
      const left = built.excluded.find((e) => e.code === partnershipCode)
      if (left) {
        throw new Error(
          `${self.name} cannot be given a proposal: ${left.reason}. Enter or import its group instead ` +
            '(saferhub crime peer-group enter | import).',
        )
      }
      const proposal = proposeNearestNeighbours(
        partnershipCode,
        built.candidates,
        built.variables.map((v) => v.name),
        size - 1,
      )
      const group: PeerGroup = {
        partnershipCode,
        name: `Nearest neighbours (${today()})`,
        source: 'proposed by saferhub: nearest neighbours over public ONS data',
        asOf: today(),
        method: 'proposed',
        methodNote: built.description,
        members: [
          { code: partnershipCode, distance: 0 },
          ...proposal.neighbours.map((n) => ({ code: n.code, distance: n.distance })),
        ],
      }
      const values = new Map(built.candidates.map((c) => [c.code, c.values]))
      const memberValues = group.members.map((m) => values.get(m.code) ?? [])
      return { group, proposal, variables: built.variables, memberValues, excluded: built.excluded }
    },

    async save(group, actor) {
      if (!isIsoDate(group.asOf)) throw new Error(`"${group.asOf}" is not a date written YYYY-MM-DD`)
      const [id] = await repository.save([group], actor)
      return id as number
    },

    reloadProfile: () => (profile.reload ?? profile)(),

    list: (code) => repository.list(code),
    current: (code, name) => repository.current(code, name),
  }
}
