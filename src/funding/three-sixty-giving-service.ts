import { demand, type Principal } from '../accounts/permissions.ts'
import type { AuditRepository } from '../audit/audit-repository.ts'
import { inUnitOfWork } from '../audit/audited-transaction.ts'
import type { Database } from '../db/database.ts'
import { buildGrantExport, placeholderPrefix, type GrantExport, type GrantRows } from './three-sixty-giving.ts'

/** A user as the services see them. */
type User = Principal & { readonly id: number; readonly email: string }

export interface GrantPublishingSettings {
  readonly prefix: string
  readonly funderOrgId: string
  readonly funderName: string
}

export type SettingsOutcome =
  | { readonly outcome: 'saved'; readonly changed: boolean }
  | {
      readonly outcome: 'invalid'
      readonly errors: readonly { readonly field: keyof GrantPublishingSettings; readonly message: string }[]
    }

export interface ThreeSixtyGivingService {
  /** The export ('budget:view' for the whole partnership: it covers every service). */
  grants(viewer: Principal, options?: { readonly includeIllustrative?: boolean }): Promise<GrantExport>
  /** The partnership's settings; null when none are set (the export then uses a placeholder prefix). */
  settings(viewer: Principal): Promise<GrantPublishingSettings | null>
  /** The placeholder prefix used while no settings are saved. */
  readonly placeholderPrefix: string
  /** Saves the settings ('budget:edit'), audited with before and after. */
  saveSettings(user: User, input: GrantPublishingSettings, requestId?: string | null): Promise<SettingsOutcome>
}

/** A 360Giving prefix: "360G-" and letters, digits and hyphens (the standard's registered prefixes look so). */
const PREFIX = /^360G-[A-Za-z0-9][A-Za-z0-9-]{0,60}$/
/** An org-id.guide identifier: a list code (two parts) and the organisation's identifier on it. */
const ORG_ID = /^[A-Z]{2}-[A-Z0-9]{2,10}-[A-Za-z0-9][A-Za-z0-9._-]{0,60}$|^360G-[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/

/** Checks the settings form, every problem at once. */
export function checkSettings(
  input: GrantPublishingSettings,
): { field: keyof GrantPublishingSettings; message: string }[] {
  const errors: { field: keyof GrantPublishingSettings; message: string }[] = []
  if (!PREFIX.test(input.prefix))
    errors.push({
      field: 'prefix',
      message: 'Enter the prefix 360Giving registered for you, starting 360G- (such as 360G-saferwolverhampton)',
    })
  if (!ORG_ID.test(input.funderOrgId))
    errors.push({
      field: 'funderOrgId',
      message:
        'Enter the funder’s organisation identifier from org-id.guide (such as GB-LAE-ABC for a council, GB-CHC-1234567 for a charity), or one made from your 360G- prefix',
    })
  if (input.funderName.length === 0 || input.funderName.length > 200)
    errors.push({ field: 'funderName', message: 'Enter the funder’s name as it should appear in 360Giving data' })
  return errors
}

export function createThreeSixtyGivingService(deps: {
  readonly database: Database
  readonly audit: AuditRepository
  readonly rows: () => Promise<GrantRows>
  readonly partnership: { readonly name: string; readonly slug: string }
  readonly now?: () => Date
}): ThreeSixtyGivingService {
  const { database, audit } = deps
  const now = deps.now ?? (() => new Date())
  const readSettings = async (): Promise<GrantPublishingSettings | null> => {
    const row = await database.db
      .selectFrom('grant_publishing_settings')
      .select(['prefix', 'funder_org_id', 'funder_name'])
      .executeTakeFirst()
    return row ? { prefix: row.prefix, funderOrgId: row.funder_org_id, funderName: row.funder_name } : null
  }
  return {
    placeholderPrefix: placeholderPrefix(deps.partnership.slug),
    async grants(viewer, options = {}) {
      demand(viewer, 'budget:view')
      const [rows, settings] = await Promise.all([deps.rows(), readSettings()])
      return buildGrantExport(
        rows,
        { partnershipName: deps.partnership.name, partnershipSlug: deps.partnership.slug, settings },
        { issued: now(), includeIllustrative: options.includeIllustrative ?? false },
      )
    },
    async settings(viewer) {
      demand(viewer, 'budget:view')
      return readSettings()
    },
    async saveSettings(user, input, requestId = null) {
      demand(user, 'budget:edit')
      const given = {
        prefix: input.prefix.trim(),
        funderOrgId: input.funderOrgId.trim(),
        funderName: input.funderName.trim(),
      }
      const errors = checkSettings(given)
      if (errors.length > 0) return { outcome: 'invalid', errors }
      const changed = await inUnitOfWork(database, async ({ trx }) => {
        const before = await trx
          .selectFrom('grant_publishing_settings')
          .select(['prefix', 'funder_org_id', 'funder_name', 'updated_at', 'updated_by'])
          .executeTakeFirst()
        if (
          before &&
          before.prefix === given.prefix &&
          before.funder_org_id === given.funderOrgId &&
          before.funder_name === given.funderName
        )
          return false
        const after = {
          prefix: given.prefix,
          funder_org_id: given.funderOrgId,
          funder_name: given.funderName,
          updated_at: now().toISOString(),
          updated_by: user.email,
        }
        if (before) await trx.updateTable('grant_publishing_settings').set(after).execute()
        else await trx.insertInto('grant_publishing_settings').values(after).execute()
        await audit.append(trx, {
          actor: user.email,
          action: before ? 'update' : 'create',
          entityType: 'grant-publishing-settings',
          entityKey: '360giving',
          before: before ?? null,
          after,
          requestId,
        })
        return true
      })
      return { outcome: 'saved', changed }
    },
  }
}
