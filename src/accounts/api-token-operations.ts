import { createHash, randomBytes } from 'node:crypto'
import { withAuditedTransaction } from '../audit/audited-transaction.ts'
import type { Agency, ApiToken } from './account-repository.ts'
import {
  MAXIMUM_NAME_LENGTH,
  NotFound,
  type AccountContext,
  type Actor,
  type FieldError,
  type Result,
} from './account-context.ts'
import type { Principal } from './permissions.ts'

/** What an API token stands for once it is checked: its agency, with a data owner's rights there. */
export interface ApiTokenPrincipal {
  readonly tokenId: number
  readonly agency: Agency
  readonly principal: Principal
}

const API_TOKEN_PATTERN = /^shub_[A-Za-z0-9_-]{43}$/

/** API tokens are long random strings, so a plain SHA-256 is enough to store them (no salt or stretching needed). */
export function apiTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/**
 * API tokens: issued for an agency (shown once, only the hash kept), listed, revoked, and checked on every API call.
 * Issuing, listing and revoking ask the policy ('api-token:manage') and are audited.
 *
 * @example
 *   const tokens = apiTokenOperations(context)
 *   const issued = await tokens.createApiToken({ user }, { agencyId, name: 'Police returns' })
 */
export function apiTokenOperations(context: AccountContext) {
  const { database, audit, repository, log, nowIso, actorName, demandActor } = context

  async function hashNewApiToken(): Promise<{ token: string; tokenHash: string }> {
    const token = `shub_${randomBytes(32).toString('base64url')}`
    return { token, tokenHash: apiTokenHash(token) }
  }

  return {
    /** Issues an API token for an agency. The token is returned once; only its hash is kept. */
    async createApiToken(
      actor: Actor,
      input: { agencyId: number; name: string; expiresAt?: string | null },
    ): Promise<Result<{ token: string; apiToken: ApiToken }>> {
      demandActor(actor, 'api-token:manage')
      const { token, tokenHash } = await hashNewApiToken()
      return withAuditedTransaction(database, async (trx) => {
        const errors: FieldError[] = []
        const agency = await repository.findAgency(input.agencyId, trx)
        if (!agency) errors.push({ field: 'agency', message: 'Select an agency from the list' })
        const name = input.name.trim()
        if (!name) errors.push({ field: 'name', message: 'Enter what the token is for' })
        else if ([...name].length > MAXIMUM_NAME_LENGTH) {
          errors.push({ field: 'name', message: `Name must be ${MAXIMUM_NAME_LENGTH} characters or fewer` })
        }
        const expiresAt = input.expiresAt ?? null
        if (expiresAt !== null && (Number.isNaN(Date.parse(expiresAt)) || expiresAt <= nowIso())) {
          errors.push({ field: 'expiresAt', message: 'The expiry must be a date in the future' })
        }
        if (errors.length > 0 || !agency) return { ok: false, errors }
        const apiToken = await repository.insertApiToken(
          {
            agencyId: agency.id,
            name,
            tokenHash,
            tokenPrefix: token.slice(0, 12),
            createdBy: 'user' in actor ? actor.user.id : null,
            at: nowIso(),
            expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
          },
          trx,
        )
        await audit.append(trx, {
          actor: actorName(actor),
          action: 'create',
          entityType: 'api-token',
          entityKey: String(apiToken.id),
          before: null,
          after: { agency: agency.code, name, tokenPrefix: apiToken.tokenPrefix, expiresAt: apiToken.expiresAt },
        })
        return { ok: true, token, apiToken }
      })
    },

    async listApiTokens(actor: Actor, filter: { agencyId?: number } = {}): Promise<ApiToken[]> {
      demandActor(actor, 'api-token:manage')
      return repository.listApiTokens(filter)
    },

    /** Revokes a token at once; revoking twice changes nothing. */
    async revokeApiToken(actor: Actor, tokenId: number): Promise<ApiToken> {
      demandActor(actor, 'api-token:manage')
      return withAuditedTransaction(database, async (trx) => {
        const before = await repository.findApiToken(tokenId, trx)
        if (!before) throw new NotFound(`No API token ${tokenId}`)
        if (before.revokedAt !== null) return before
        await repository.revokeApiToken(tokenId, nowIso(), trx)
        const after = (await repository.findApiToken(tokenId, trx)) as ApiToken
        await audit.append(trx, {
          actor: actorName(actor),
          action: 'revoke',
          entityType: 'api-token',
          entityKey: String(tokenId),
          before: { revokedAt: null, tokenPrefix: before.tokenPrefix },
          after: { revokedAt: after.revokedAt, tokenPrefix: after.tokenPrefix },
        })
        return after
      })
    },

    /** The agency an API token acts for, or null when the token is unknown, revoked or expired. */
    async authenticateApiToken(token: string): Promise<ApiTokenPrincipal | null> {
      if (!API_TOKEN_PATTERN.test(token)) return null
      const record = await repository.findApiTokenByHash(apiTokenHash(token))
      const now = nowIso()
      if (!record || record.revokedAt !== null || (record.expiresAt !== null && record.expiresAt <= now)) {
        log({ event: 'api-token', outcome: 'refused', tokenId: record?.id ?? null })
        return null
      }
      const agency = await repository.findAgency(record.agencyId)
      if (!agency) return null
      await repository.markApiTokenUsed(record.id, now)
      return { tokenId: record.id, agency, principal: { role: 'data-owner', agencyId: agency.id } }
    },

    /**
     * The partnership an API token belongs to (an unscoped service sees every partnership's tokens), so that a call
     * to `/api/…` without `/p/<slug>` reaches its own partnership; null for a token that is unknown, revoked or
     * expired. The partnership's own service then checks the token again.
     */
    async apiTokenPartnership(token: string): Promise<number | null> {
      if (!API_TOKEN_PATTERN.test(token)) return null
      const record = await repository.findApiTokenByHash(apiTokenHash(token))
      const now = nowIso()
      if (!record || record.revokedAt !== null || (record.expiresAt !== null && record.expiresAt <= now)) return null
      return record.partnershipId
    },
  }
}
