import type { Kysely } from 'kysely'
import type { DatabaseSchema } from '../../db/schema.ts'

type Executor = Kysely<DatabaseSchema>

/** A user's two-step sign-in as stored: the sealed secret, never in clear. */
export interface StoredTwoStep {
  readonly userId: number
  readonly secretSealed: string
  readonly enabledAt: string
  readonly lastUsedStep: number | null
}

/**
 * Two-step sign-in's storage: the only place with its SQL. Every method takes an optional transaction. The two
 * "use" methods are single conditional UPDATEs, so that two requests racing with the same code (or recovery code)
 * cannot both succeed, on SQLite or PostgreSQL.
 */
export function createTwoStepRepository(db: Executor) {
  return {
    async find(userId: number, executor: Executor = db): Promise<StoredTwoStep | null> {
      const row = await executor
        .selectFrom('two_step_credentials')
        .select(['user_id', 'secret_sealed', 'enabled_at', 'last_used_step'])
        .where('user_id', '=', userId)
        .executeTakeFirst()
      return row
        ? {
            userId: row.user_id,
            secretSealed: row.secret_sealed,
            enabledAt: row.enabled_at,
            lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
          }
        : null
    },

    /**
     * Switches two-step sign-in on with its first set of recovery codes. Returns false (and writes nothing) when it
     * is on already: two browsers confirming at once do not replace each other's secret.
     */
    async enable(
      values: { userId: number; secretSealed: string; lastUsedStep: number; codeHashes: readonly string[]; at: string },
      executor: Executor = db,
    ): Promise<boolean> {
      const inserted = await executor
        .insertInto('two_step_credentials')
        .values({
          user_id: values.userId,
          secret_sealed: values.secretSealed,
          enabled_at: values.at,
          last_used_step: values.lastUsedStep,
          updated_at: values.at,
        })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .executeTakeFirst()
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) return false
      await this.replaceRecoveryCodes(values.userId, values.codeHashes, values.at, executor)
      return true
    },

    /** Switches it off: the secret and every recovery code are deleted. Returns whether it was on. */
    async remove(userId: number, executor: Executor = db): Promise<boolean> {
      await executor.deleteFrom('two_step_recovery_codes').where('user_id', '=', userId).execute()
      const result = await executor.deleteFrom('two_step_credentials').where('user_id', '=', userId).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },

    /**
     * Records that a code of this time step was accepted, only if no code of this step or a later one was accepted
     * before. True when this call recorded it (the code may be accepted); false for a replay.
     */
    async useStep(userId: number, step: number, at: string, executor: Executor = db): Promise<boolean> {
      const result = await executor
        .updateTable('two_step_credentials')
        .set({ last_used_step: step, updated_at: at })
        .where('user_id', '=', userId)
        .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },

    /** Marks an unused recovery code used. True when this call used it; false when it is unknown or used already. */
    async useRecoveryCode(userId: number, codeHash: string, at: string, executor: Executor = db): Promise<boolean> {
      const result = await executor
        .updateTable('two_step_recovery_codes')
        .set({ used_at: at })
        .where('user_id', '=', userId)
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },

    /** Replaces the user's recovery codes (used or not) with a new set. */
    async replaceRecoveryCodes(
      userId: number,
      codeHashes: readonly string[],
      at: string,
      executor: Executor = db,
    ): Promise<void> {
      await executor.deleteFrom('two_step_recovery_codes').where('user_id', '=', userId).execute()
      if (codeHashes.length === 0) return
      await executor
        .insertInto('two_step_recovery_codes')
        .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: at, used_at: null })))
        .execute()
    },

    /** How many of the user's recovery codes are still unused. */
    async countUnusedRecoveryCodes(userId: number, executor: Executor = db): Promise<number> {
      const row = await executor
        .selectFrom('two_step_recovery_codes')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow()
      return Number(row.count)
    },
  }
}

export type TwoStepRepository = ReturnType<typeof createTwoStepRepository>
