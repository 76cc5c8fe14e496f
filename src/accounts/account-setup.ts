import { withAuditedTransaction } from '../audit/audited-transaction.ts'
import { normaliseEmail } from './account-repository.ts'
import type { AccountContext } from './account-context.ts'
import { agencySnapshot } from './agency-administration.ts'
import { readOwnerNames } from './data-owner-names.ts'
import { defaultAgencies } from './default-agencies.ts'
import { demoUsers } from './demo-users.ts'
import { generateOneTimePassword, hashPassword } from './passwords.ts'
import { roleNeedsAgency } from './roles.ts'

/**
 * What the accounts need on a first start: the usual partner agencies, the first administrator (with a one-time
 * password the caller prints once) and, for the demo only, the demo accounts. Each writes nothing when what it
 * makes is there already, checked again under the write lock so that two processes starting together make one.
 *
 * @example
 *   const setup = accountSetup(context)
 *   const administrator = await setup.createFirstAdministrator('admin@example.org')
 */
export function accountSetup(context: AccountContext) {
  const { database, audit, repository, nowIso, userSnapshot, findUserOrThrow } = context
  return {
    /** Creates the usual partner agencies when there are none yet (first start). Returns how many. */
    async createDefaultAgencies(): Promise<number> {
      // Read first, outside the write lock: on every start but the first there is nothing to write, and a start (or
      // a read-only command) must not wait for another process's import to finish.
      if ((await repository.listAgencies()).length > 0) return 0
      return withAuditedTransaction(database, async (trx) => {
        if ((await repository.listAgencies(trx)).length > 0) return 0
        const at = nowIso()
        for (const { code, name, dataOwnerNames } of defaultAgencies) {
          const inserted = await repository.insertAgency({ code, name, at }, trx)
          const ownerNames = readOwnerNames(dataOwnerNames).names.map((n) => n.name)
          await repository.replaceOwnerNames(inserted.id, ownerNames, trx)
          await audit.append(trx, {
            actor: 'first-start',
            action: 'create',
            entityType: 'agency',
            entityKey: String(inserted.id),
            before: null,
            after: agencySnapshot({ ...inserted, ownerNames }),
          })
        }
        return defaultAgencies.length
      })
    },

    /**
     * On first start (no users at all), creates an administrator with a one-time password, which the caller
     * prints once. Returns null when there are users already.
     */
    async createFirstAdministrator(
      email: string,
      name = 'Administrator',
      actor = 'first-start',
    ): Promise<{ email: string; oneTimePassword: string } | null> {
      if ((await repository.countUsers()) > 0) return null
      const oneTimePassword = generateOneTimePassword()
      const passwordHash = await hashPassword(oneTimePassword)
      return withAuditedTransaction(database, async (trx) => {
        // Checked again under the write lock: two processes starting together create one administrator.
        if ((await repository.countUsers(trx)) > 0) return null
        const normalised = normaliseEmail(email)
        const id = await repository.insertUser(
          {
            email: normalised,
            name: name.trim() || 'Administrator',
            role: 'administrator',
            agencyId: null,
            passwordHash,
            mustChangePassword: true,
            at: nowIso(),
          },
          trx,
        )
        await audit.append(trx, {
          actor,
          action: 'create',
          entityType: 'user',
          entityKey: String(id),
          before: null,
          after: userSnapshot(await findUserOrThrow(id, trx)),
        })
        return { email: normalised, oneTimePassword }
      })
    },

    /**
     * DEMO ONLY: creates the demo accounts of src/accounts/demo-users.ts that do not exist yet (their passwords
     * are public). The caller must never do this in production. Returns how many were created.
     */
    async createDemoUsers(): Promise<number> {
      // As createDefaultAgencies: nothing to write (and no lock to wait for) once they exist.
      const existing = await Promise.all(demoUsers.map((u) => repository.findUserByEmail(u.email)))
      if (existing.every((user) => user !== null)) return 0
      const hashes = await Promise.all(demoUsers.map((u) => hashPassword(u.password)))
      return withAuditedTransaction(database, async (trx) => {
        let created = 0
        for (const [i, demo] of demoUsers.entries()) {
          if (await repository.findUserByEmail(demo.email, trx)) continue
          const agency = demo.agencyCode ? await repository.findAgencyByCode(demo.agencyCode, trx) : null
          if (roleNeedsAgency(demo.role) && !agency) continue
          const id = await repository.insertUser(
            {
              email: demo.email,
              name: demo.name,
              role: demo.role,
              agencyId: agency?.id ?? null,
              passwordHash: hashes[i] ?? null,
              mustChangePassword: false,
              at: nowIso(),
            },
            trx,
          )
          await audit.append(trx, {
            actor: 'demo-data',
            action: 'create',
            entityType: 'user',
            entityKey: String(id),
            before: null,
            after: userSnapshot(await findUserOrThrow(id, trx)),
          })
          created++
        }
        return created
      })
    },
  }
}
