import { CHAIN_START, type AuditChainVerification, type ChainPosition } from './audit-chain.ts'

/** What the audit trail page says of the chain: the latest check, and when the whole chain was last read in full. */
export type ChainCheckResult = AuditChainVerification & {
  /** When the whole chain, from its first event, was last checked in this process (null: not yet). */
  readonly fullCheckAt: Date | null
}

export interface ChainCheck {
  /**
   * The chain checked up to its newest event: the events added since the last check (and the last event that check
   * reached, again), and the whole chain when its last full check is older than the interval (in the background, so
   * that no page view waits for it once one full check is done). A failure found by any check is kept.
   */
  current(): Promise<ChainCheckResult>
}

export interface ChainCheckOptions {
  /** Re-reads the whole chain at most this often (default 10 minutes). */
  readonly fullCheckEveryMs?: number
  readonly now?: () => Date
}

/**
 * One per process, over the instance's one chain: the audit trail page of every partnership asks it. With 300
 * partnerships (738,000 events) a full check took 7.1 s (`npm run bench:regional`), which every view of the page
 * waited for; checking only what was added since, and re-reading the whole in the background now and then, keeps the
 * page as quick as with one partnership while every event is still checked, the older ones again at each full check.
 */
export function createChainCheck(
  audit: { verify(from?: ChainPosition): Promise<AuditChainVerification> },
  options: ChainCheckOptions = {},
): ChainCheck {
  const fullCheckEveryMs = options.fullCheckEveryMs ?? 10 * 60 * 1000
  const now = options.now ?? (() => new Date())
  let reached: { position: ChainPosition; checked: number } | null = null
  let failure: AuditChainVerification | null = null
  let fullCheckAt: Date | null = null
  let fullCheck: Promise<void> | null = null

  function runFullCheck(): Promise<void> {
    fullCheck ??= (async () => {
      const startedAt = now()
      try {
        const result = await audit.verify()
        if (!result.ok) failure ??= result
        else if (reached === null || result.last.id >= reached.position.id)
          reached = { position: result.last, checked: result.checked }
        fullCheckAt = startedAt
      } finally {
        fullCheck = null
      }
    })()
    return fullCheck
  }

  return {
    async current() {
      let justRead = false
      if (fullCheckAt === null) {
        await runFullCheck()
        justRead = true
      } else if (now().getTime() - fullCheckAt.getTime() >= fullCheckEveryMs) {
        // Not awaited: this view is answered from the incremental check; a failure the full check finds is kept for
        // the next. An error (the database gone) is the next view's to report.
        runFullCheck().catch(() => undefined)
      }
      if (failure === null && reached !== null && !justRead) {
        const since = await audit.verify(reached.position)
        if (!since.ok) failure = since
        else reached = { position: since.last, checked: reached.checked + since.checked }
      }
      if (failure !== null) return { ...failure, fullCheckAt }
      const last = reached ?? { position: CHAIN_START, checked: 0 }
      return { ok: true, checked: last.checked, last: last.position, fullCheckAt }
    },
  }
}
