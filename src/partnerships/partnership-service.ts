import type { AuditRepository } from '../audit/audit-repository.ts'
import { withAuditedTransaction } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { isTwoStepPolicy, twoStepPolicies, type TwoStepPolicy } from '../config.ts'
import {
  isSlug,
  nationOfCode,
  ONS_PARTNERSHIP_CODE,
  slugFromName,
  type Partnership,
  type PartnershipSettings,
} from './partnership.ts'
import type { PartnershipRepository } from './partnership-repository.ts'

/** What an ONS code tells about a partnership, from the shipped lookups (null: the code is not in them). */
export interface OnsPartnership {
  readonly name: string
  readonly forceName: string
  readonly districtCodes: readonly string[]
}

export interface PartnershipServiceDependencies {
  readonly database: Database
  readonly repository: PartnershipRepository
  readonly audit: AuditRepository
  /** The ONS lookup: a partnership's name, force and districts by its code. */
  readonly onsPartnership: (code: string) => OnsPartnership | null
  readonly now?: () => Date
}

/** A problem with what was asked, for the form or the command line to show beside its field. */
export interface FieldProblem {
  readonly field: string
  readonly message: string
}

export type PartnershipResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: FieldProblem[] }

/** A settings change: a value, null for the instance's setting, or absent to leave it as it is. */
export type SettingsChange = { [K in keyof PartnershipSettings]?: PartnershipSettings[K] | undefined }

export interface NewPartnership {
  readonly name: string
  readonly code?: string | null
  readonly slug?: string | null
  readonly nation?: string | null
  readonly settings?: Partial<PartnershipSettings>
}

/** Thrown when a partnership named on a command line or in an address is not in the instance. */
export class UnknownPartnership extends Error {
  constructor(reference: string, known: readonly Partnership[]) {
    super(
      known.length === 0
        ? `${reference === '(none given)' ? 'This instance has no partnership' : `No partnership "${reference}": this instance has none`} ` +
            'yet. Run `saferhub init` to set up yours (or `saferhub demo load` for the demo partnership).'
        : `No partnership "${reference}". This instance has: ${known.map((p) => `${p.name} (${p.onsCode ?? p.slug})`).join(', ')}`,
    )
    this.name = 'UnknownPartnership'
  }
}

/**
 * The instance's partnerships: adding, renaming, their settings, and finding one by what a person types (its ONS
 * code, its slug, its name or its number). Every change is audited.
 */
export function createPartnershipService(deps: PartnershipServiceDependencies) {
  const { database, repository, audit } = deps
  const now = deps.now ?? (() => new Date())

  function checkSettings(settings: SettingsChange, problems: FieldProblem[]): void {
    const whole = (field: keyof PartnershipSettings, value: unknown, label: string) => {
      if (value === undefined || value === null) return
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
        problems.push({ field, message: `${label} must be a whole number of at least 1` })
    }
    whole('disclosureMinimum', settings.disclosureMinimum, 'The disclosure minimum')
    whole('returnsDueDays', settings.returnsDueDays, 'The days after a quarter when returns are due')
    if (
      settings.twoStepPolicy !== undefined &&
      settings.twoStepPolicy !== null &&
      !isTwoStepPolicy(settings.twoStepPolicy as string)
    )
      problems.push({
        field: 'twoStepPolicy',
        message: `Two-step sign-in must be one of ${twoStepPolicies.join(', ')}`,
      })
  }

  async function checkName(name: string, problems: FieldProblem[], except: number | null): Promise<string> {
    const trimmed = name.trim().replace(/\s+/g, ' ')
    if (trimmed.length === 0) problems.push({ field: 'name', message: 'Enter the partnership’s name' })
    else if (trimmed.length > 120) problems.push({ field: 'name', message: 'The name must be 120 characters or fewer' })
    const clash = (await repository.list()).find(
      (p) => p.id !== except && p.name.toLowerCase() === trimmed.toLowerCase(),
    )
    if (clash) problems.push({ field: 'name', message: `There is already a partnership called ${clash.name}` })
    return trimmed
  }

  return {
    list: () => repository.list(),
    /** The ids of the partnerships that have published at least one year. */
    withPublications: () => repository.withPublications(),
    find: (id: number) => repository.find(id),
    /** The only partnership of a single-partnership instance; null when there are none or several. */
    onlyOne: () => repository.onlyOne(),
    findBySlug: (slug: string) => (isSlug(slug) ? repository.findBySlug(slug) : Promise.resolve(null)),
    /** The ONS lookup's view of a partnership's code (its force and districts), or null. */
    onsDetails: (partnership: Partnership) =>
      partnership.onsCode === null ? null : deps.onsPartnership(partnership.onsCode),

    /**
     * The partnership a person means: its ONS code, slug, name (any case) or number. Without a reference, the
     * instance's only partnership; with several, the caller must say which.
     */
    async resolve(reference: string | null | undefined): Promise<Partnership> {
      const all = await repository.list()
      if (reference === null || reference === undefined || reference.trim() === '') {
        if (all.length === 1) return all[0] as Partnership
        throw new UnknownPartnership(
          all.length === 0 ? '(none given)' : '(none given: name one with --partnership)',
          all,
        )
      }
      const wanted = reference.trim().toLowerCase()
      const found =
        all.find((p) => p.onsCode?.toLowerCase() === wanted) ??
        all.find((p) => p.slug === wanted) ??
        all.find((p) => p.name.toLowerCase() === wanted) ??
        all.find((p) => String(p.id) === wanted)
      if (!found) throw new UnknownPartnership(reference, all)
      return found
    },

    async add(actor: string, input: NewPartnership): Promise<PartnershipResult<Partnership>> {
      const problems: FieldProblem[] = []
      const name = await checkName(input.name, problems, null)
      const code = input.code?.trim().toUpperCase() || null
      if (code !== null && !ONS_PARTNERSHIP_CODE.test(code))
        problems.push({ field: 'code', message: 'An ONS partnership code is E22 or W14 followed by six digits' })
      if (code !== null && (await repository.findByCode(code)))
        problems.push({ field: 'code', message: `A partnership with the code ${code} is already in this instance` })
      const slug = input.slug?.trim().toLowerCase() || slugFromName(name)
      if (!isSlug(slug))
        problems.push({ field: 'slug', message: 'The short name may hold lower-case letters, digits and hyphens only' })
      else if (await repository.findBySlug(slug))
        problems.push({ field: 'slug', message: `The short name ${slug} is taken: choose another with --slug` })
      const nation = input.nation ?? (code !== null ? nationOfCode(code) : 'england')
      if (nation !== 'england' && nation !== 'wales')
        problems.push({ field: 'nation', message: 'The nation is england or wales' })
      const settings: PartnershipSettings = {
        disclosureMinimum: input.settings?.disclosureMinimum ?? null,
        returnsDueDays: input.settings?.returnsDueDays ?? null,
        twoStepPolicy: (input.settings?.twoStepPolicy as TwoStepPolicy | undefined) ?? null,
      }
      checkSettings(settings, problems)
      if (problems.length > 0) return { ok: false, problems }
      const at = now().toISOString()
      const partnership = await withAuditedTransaction(database, async (trx) => {
        const created = await repository.insert({ slug, name, onsCode: code, nation, settings }, actor, at, trx)
        await audit.append(trx, {
          actor,
          action: 'create',
          entityType: 'partnership',
          entityKey: String(created.id),
          before: null,
          after: created,
          partnershipId: created.id,
        })
        return created
      })
      return { ok: true, value: partnership }
    },

    async rename(actor: string, id: number, newName: string): Promise<PartnershipResult<Partnership>> {
      const before = await repository.find(id)
      if (!before) return { ok: false, problems: [{ field: 'partnership', message: `No partnership ${id}` }] }
      const problems: FieldProblem[] = []
      const name = await checkName(newName, problems, id)
      if (problems.length > 0) return { ok: false, problems }
      return { ok: true, value: await change(actor, before, { name }) }
    },

    async updateSettings(
      actor: string,
      id: number,
      settings: SettingsChange & { onsCode?: string | null | undefined },
    ): Promise<PartnershipResult<Partnership>> {
      const before = await repository.find(id)
      if (!before) return { ok: false, problems: [{ field: 'partnership', message: `No partnership ${id}` }] }
      const problems: FieldProblem[] = []
      checkSettings(settings, problems)
      let onsCode = settings.onsCode
      if (onsCode !== undefined && onsCode !== null) {
        onsCode = onsCode.trim().toUpperCase()
        if (!ONS_PARTNERSHIP_CODE.test(onsCode))
          problems.push({ field: 'code', message: 'An ONS partnership code is E22 or W14 followed by six digits' })
        const other = await repository.findByCode(onsCode)
        if (other && other.id !== id)
          problems.push({ field: 'code', message: `${other.name} already has the code ${onsCode}` })
      }
      if (problems.length > 0) return { ok: false, problems }
      const { onsCode: _ignored, ...rest } = settings
      const changes = {
        ...rest,
        ...(onsCode !== undefined ? { onsCode, ...(onsCode ? { nation: nationOfCode(onsCode) } : {}) } : {}),
      }
      return { ok: true, value: await change(actor, before, changes) }
    },
  }

  async function change(
    actor: string,
    before: Partnership,
    changes: Parameters<PartnershipRepository['update']>[1],
  ): Promise<Partnership> {
    return withAuditedTransaction(database, async (trx) => {
      await repository.update(before.id, changes, now().toISOString(), trx)
      const after = (await repository.find(before.id, trx)) as Partnership
      if (JSON.stringify(after) !== JSON.stringify(before)) {
        await audit.append(trx, {
          actor,
          action: 'update',
          entityType: 'partnership',
          entityKey: String(before.id),
          before,
          after,
          partnershipId: before.id,
        })
      }
      return after
    })
  }
}

export type PartnershipService = ReturnType<typeof createPartnershipService>
