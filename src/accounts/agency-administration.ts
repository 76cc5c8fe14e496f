import { withAuditedTransaction } from '../audit/audited-transaction.ts'
import type { AgencyCounts, AgencyWithOwnerNames } from './account-repository.ts'
import {
  MAXIMUM_NAME_LENGTH,
  NotFound,
  type AccountContext,
  type Actor,
  type FieldError,
  type Result,
} from './account-context.ts'
import { ownerNameKey, readOwnerNames } from './data-owner-names.ts'

/** A new partner agency: its code is its stable key (imports, URLs, the API) and never changes. */
export interface NewAgency {
  readonly code: string
  readonly name: string
  /** The names it goes by in the framework's Owner column, one a line as typed (blank lines ignored). */
  readonly ownerNames?: readonly string[]
}

/** What an administrator may change about an agency: its name and its owner names (never its code). */
export interface AgencyUpdate {
  readonly name: string
  readonly ownerNames: readonly string[]
}

/** What the audit trail keeps of an agency. */
export const agencySnapshot = (agency: AgencyWithOwnerNames) => ({
  id: agency.id,
  code: agency.code,
  name: agency.name,
  ownerNames: [...agency.ownerNames],
})

/**
 * The partner agencies a partnership works with: listing them, adding one, renaming it and changing the names it
 * goes by in the framework's Owner column. Changes ask the policy ('agency:manage') and are audited.
 *
 * @example
 *   const agencies = agencyAdministration(context)
 *   await agencies.addAgency({ user }, { code: 'WMP', name: 'West Midlands Police' })
 */
export function agencyAdministration(context: AccountContext) {
  const { database, audit, repository, nowIso, actorName, demandActor } = context

  function checkAgencyName(name: string, errors: FieldError[]): string {
    const trimmed = name.trim()
    if (!trimmed) errors.push({ field: 'name', message: 'Enter the agency’s name' })
    else if ([...trimmed].length > MAXIMUM_NAME_LENGTH) {
      errors.push({ field: 'name', message: `Name must be ${MAXIMUM_NAME_LENGTH} characters or fewer` })
    }
    return trimmed
  }

  /**
   * Reads and checks an agency's owner names against every other agency (`others`): a name may not be another
   * agency's code or owner name, so that one owner text can never name two agencies. Errors go on `ownerNames`.
   */
  function checkOwnerNames(
    lines: readonly string[],
    others: readonly AgencyWithOwnerNames[],
    errors: FieldError[],
  ): string[] {
    const { names, problems } = readOwnerNames(lines)
    for (const { name, line } of names) {
      const key = ownerNameKey(name)
      const holder = others.find(
        (a) => ownerNameKey(a.code) === key || a.ownerNames.some((n) => ownerNameKey(n) === key),
      )
      if (holder) {
        const what = ownerNameKey(holder.code) === key ? 'the code' : 'already a name'
        problems.push({
          line,
          message: `Line ${line}: “${name}” is ${what} of ${holder.name} (${holder.code}): remove it there first`,
        })
      }
    }
    // In the order of the lines; a problem with the whole list (line 0) last.
    const order = (line: number) => (line === 0 ? Number.MAX_SAFE_INTEGER : line)
    problems.sort((a, b) => order(a.line) - order(b.line))
    for (const problem of problems) errors.push({ field: 'ownerNames', message: problem.message })
    return names.map((n) => n.name)
  }

  return {
    /** Every agency with its owner names (the KPIs' owners are matched against these), by name. */
    async listAgencies(): Promise<AgencyWithOwnerNames[]> {
      return repository.listAgencies()
    },

    /** Active users and live API tokens per agency id, for the agencies pages. */
    async agencyCounts(actor: Actor): Promise<Map<number, AgencyCounts>> {
      demandActor(actor, 'agency:view')
      return repository.agencyCounts(nowIso())
    },

    /**
     * Adds a partner agency with its owner names. The code is unique whatever its case and may be nobody's owner
     * name; the owner names may be no other agency's code or owner name. Audited; nothing is written on error.
     */
    async addAgency(actor: Actor, input: NewAgency): Promise<Result<{ agency: AgencyWithOwnerNames }>> {
      demandActor(actor, 'agency:manage')
      return withAuditedTransaction(database, async (trx) => {
        // In the order the form asks: code, name, owner names.
        const errors: FieldError[] = []
        const code = input.code.trim()
        // Codes and owner names are the instance's (one police force, one code; the database keeps owner names
        // unique): checked against every agency, not only this partnership's, so that a clash is a message, not a 500.
        const here = await repository.listAgencies(trx)
        const agencies = [...here, ...(await repository.listUnlinkedAgencies(trx))]
        if (!/^[A-Za-z0-9][A-Za-z0-9 &-]{0,19}$/.test(code)) {
          errors.push({ field: 'code', message: 'Enter a short code of up to 20 letters, digits, spaces, & or -' })
        } else {
          const key = ownerNameKey(code)
          const sameCode = agencies.find((a) => ownerNameKey(a.code) === key)
          const namedSo = agencies.find((a) => a.ownerNames.some((n) => ownerNameKey(n) === key))
          if (sameCode && !here.includes(sameCode)) {
            errors.push({
              field: 'code',
              message: `${sameCode.name} already has this code in another partnership: link it to this one instead`,
            })
          } else if (sameCode) errors.push({ field: 'code', message: 'There is already an agency with this code' })
          else if (namedSo) {
            errors.push({
              field: 'code',
              message: `“${code}” is a name of ${namedSo.name} (${namedSo.code}) in the Owner column: choose another code`,
            })
          }
        }
        const name = checkAgencyName(input.name, errors)
        const ownerNames = checkOwnerNames(input.ownerNames ?? [], agencies, errors)
        if (errors.length > 0) return { ok: false, errors }
        const inserted = await repository.insertAgency({ code, name, at: nowIso() }, trx)
        await repository.replaceOwnerNames(inserted.id, ownerNames, trx)
        const agency: AgencyWithOwnerNames = { ...inserted, ownerNames }
        await audit.append(trx, {
          actor: actorName(actor),
          action: 'create',
          entityType: 'agency',
          entityKey: String(agency.id),
          before: null,
          after: agencySnapshot(agency),
        })
        return { ok: true, agency }
      })
    },

    /**
     * Renames an agency and replaces its owner names (its code never changes: imports and the API use it). The
     * KPIs it owns follow the names at once. Audited with before and after; nothing is written on error, and
     * nothing at all when nothing changed.
     */
    async updateAgency(
      actor: Actor,
      agencyId: number,
      input: AgencyUpdate,
    ): Promise<Result<{ agency: AgencyWithOwnerNames; changed: boolean }>> {
      demandActor(actor, 'agency:manage')
      return withAuditedTransaction(database, async (trx) => {
        const here = await repository.listAgencies(trx)
        const before = here.find((a) => a.id === agencyId)
        if (!before) throw new NotFound(`No agency ${agencyId}`)
        const errors: FieldError[] = []
        const name = checkAgencyName(input.name, errors)
        // Owner names are the instance's (see addAgency): checked against every other agency.
        const others = [...here, ...(await repository.listUnlinkedAgencies(trx))].filter((a) => a.id !== agencyId)
        const ownerNames = checkOwnerNames(input.ownerNames, others, errors)
        if (errors.length > 0) return { ok: false, errors }
        const after: AgencyWithOwnerNames = { ...before, name, ownerNames }
        const namesChanged = JSON.stringify(before.ownerNames) !== JSON.stringify(ownerNames)
        if (name === before.name && !namesChanged) return { ok: true, agency: before, changed: false }
        if (name !== before.name) await repository.updateAgency(agencyId, { name }, trx)
        if (namesChanged) await repository.replaceOwnerNames(agencyId, ownerNames, trx)
        await audit.append(trx, {
          actor: actorName(actor),
          action: 'update',
          entityType: 'agency',
          entityKey: String(agencyId),
          before: agencySnapshot(before),
          after: agencySnapshot(after),
        })
        return { ok: true, agency: after, changed: true }
      })
    },

    /**
     * The instance's agencies that do not serve this partnership yet (West Midlands Police, added by a neighbouring
     * partnership, say), by name: those an administrator may link to it.
     */
    async linkableAgencies(actor: Actor): Promise<AgencyWithOwnerNames[]> {
      demandActor(actor, 'agency:manage')
      return repository.listUnlinkedAgencies()
    },

    /**
     * Links an agency that already exists in the instance to this partnership, so that it can own KPIs, send returns
     * and hold data owners and API tokens here. Its code and owner names must name no agency already linked here
     * (an Owner text must name one agency). Linking an agency already linked changes nothing (`linked` false).
     * Audited (action `link`); nothing is written on error.
     */
    async linkAgency(
      actor: Actor,
      agencyId: number,
    ): Promise<Result<{ agency: AgencyWithOwnerNames; linked: boolean }>> {
      demandActor(actor, 'agency:manage')
      return withAuditedTransaction(database, async (trx) => {
        const here = await repository.listAgencies(trx)
        const already = here.find((a) => a.id === agencyId)
        if (already) return { ok: true, agency: already, linked: false }
        const agency = (await repository.listUnlinkedAgencies(trx)).find((a) => a.id === agencyId)
        if (!agency) return { ok: false, errors: [{ field: 'agency', message: 'Select an agency from the list' }] }
        const errors: FieldError[] = []
        for (const name of [agency.code, ...agency.ownerNames]) {
          const key = ownerNameKey(name)
          const holder = here.find(
            (a) => ownerNameKey(a.code) === key || a.ownerNames.some((n) => ownerNameKey(n) === key),
          )
          if (holder) {
            const what = name === agency.code ? 'code' : 'owner name'
            errors.push({
              field: 'agency',
              message: `${agency.name}’s ${what} “${name}” already names ${holder.name} (${holder.code}) here: change one of them first`,
            })
          }
        }
        if (errors.length > 0) return { ok: false, errors }
        await repository.linkAgency(agency.id, nowIso(), trx)
        await audit.append(trx, {
          actor: actorName(actor),
          action: 'link',
          entityType: 'agency',
          entityKey: String(agency.id),
          before: null,
          after: { ...agencySnapshot(agency), linkedToPartnership: repository.partnershipId },
        })
        return { ok: true, agency, linked: true }
      })
    },
  }
}
