import type { AuditRepository } from '../audit/audit-repository.ts'
import type { UnitOfWork } from '../audit/audited-transaction.ts'
import type { ReturnOutputDraft, ReturnOutputLine, ReturnOutputs } from '../returns/return-outputs.ts'
import type { ServiceRepository } from './service-repository.ts'

const NOTE_LIMIT = 2000

/**
 * Providers report their services' outputs through the quarterly return, as data owners (see
 * src/returns/return-outputs.ts for the part the returns feature plays). A provider's data owner is a data owner of
 * the agency set on the provider (`providers.agency_id`); their return for a quarter lists the outputs of that
 * provider's services for the quarter's financial year. What they type is kept as drafts (`return_output_items`);
 * the analyst's acceptance writes each figure as the output's actual for the quarter (`service_output_actuals`, with
 * the return's id), replacing one typed earlier, each change audited; a blank box writes nothing.
 */
export function createServiceReturnOutputs(deps: {
  readonly repository: ServiceRepository
  readonly audit: Pick<AuditRepository, 'append'>
  readonly now?: () => Date
}): ReturnOutputs {
  const { repository, audit } = deps
  const now = deps.now ?? (() => new Date())

  return {
    async linesFor(agencyId, period, returnId) {
      const year = period.slice(0, 9)
      const services = await repository.listServices({ agencyId })
      if (services.length === 0) return []
      const [{ outputs, actuals }, drafts] = await Promise.all([
        repository.outputsOf(services.map((s) => s.id)),
        returnId === null ? Promise.resolve([]) : repository.draftsOf(returnId),
      ])
      const lines: ReturnOutputLine[] = []
      for (const service of services) {
        for (const output of outputs.filter((o) => o.serviceId === service.id && o.year === year)) {
          const draft = drafts.find((d) => d.outputId === output.id)
          lines.push({
            outputId: output.id,
            prefix: `output-${output.id}`,
            serviceReference: service.reference,
            serviceTitle: service.title,
            kind: output.kind,
            name: output.name,
            unit: output.unit,
            target: output.target,
            year,
            draft: draft ? { actual: draft.actual, note: draft.note } : null,
            recorded: actuals.find((a) => a.outputId === output.id && a.period === period)?.actual ?? null,
          })
        }
      }
      return lines
    },

    read(lines, fields) {
      const present = lines.some((l) => `${l.prefix}-actual` in fields || `${l.prefix}-note` in fields)
      if (!present) return { drafts: null, problems: [] }
      const drafts: ReturnOutputDraft[] = []
      const problems: { field: string; message: string }[] = []
      for (const line of lines) {
        const actualText = (fields[`${line.prefix}-actual`] ?? '').trim().replace(/,/g, '')
        const note = (fields[`${line.prefix}-note`] ?? '').trim()
        const title = `${line.serviceTitle}: ${line.name}`
        let actual: number | null = null
        if (actualText !== '') {
          if (/^\d{1,9}$/.test(actualText)) actual = Number(actualText)
          else
            problems.push({
              field: `${line.prefix}-actual`,
              message: `${title}: enter a whole number (0 or more), or leave it blank`,
            })
        }
        if ([...note].length > NOTE_LIMIT)
          problems.push({
            field: `${line.prefix}-note`,
            message: `${title}: the note must be ${NOTE_LIMIT} characters or fewer`,
          })
        if (actual !== null || note !== '')
          drafts.push({ outputId: line.outputId, actual, note: note === '' ? null : note })
      }
      return { drafts, problems }
    },

    async saveDrafts(uow: UnitOfWork, ofReturn, drafts, actor) {
      const before = await repository.draftsOf(ofReturn.id, uow.trx)
      const same =
        before.length === drafts.length &&
        before.every((b, i) => {
          const d = [...drafts].sort((x, y) => x.outputId - y.outputId)[i]
          return d !== undefined && d.outputId === b.outputId && d.actual === b.actual && d.note === b.note
        })
      if (same) return
      await repository.replaceDrafts(uow, ofReturn.id, drafts, {
        updated_at: now().toISOString(),
        updated_by: actor.name,
      })
      await audit.append(uow.trx, {
        actor: actor.name,
        action: 'update',
        entityType: 'return-outputs',
        entityKey: `${ofReturn.agencyId}/${ofReturn.period}`,
        before,
        after: await repository.draftsOf(ofReturn.id, uow.trx),
        requestId: actor.requestId ?? null,
      })
    },

    async accept(uow: UnitOfWork, ofReturn, actor) {
      const drafts = (await repository.draftsOf(ofReturn.id, uow.trx)).filter((d) => d.actual !== null)
      const at = now().toISOString()
      for (const draft of drafts) {
        const output = await repository.findOutput(uow, draft.outputId)
        // An output removed since the draft was saved, or of another year, is not written (cannot happen today).
        if (!output || !ofReturn.period.startsWith(output.year)) continue
        const row = {
          output_id: draft.outputId,
          period: ofReturn.period,
          actual: draft.actual as number,
          note: draft.note,
          return_id: ofReturn.id,
          updated_at: at,
          updated_by: actor.name,
        }
        const before = await repository.putActual(uow, row)
        if (before && before.actual === row.actual && before.note === row.note && before.returnId === row.return_id)
          continue
        await audit.append(uow.trx, {
          actor: actor.name,
          action: before === null ? 'create' : 'update',
          entityType: 'service-output-actual',
          entityKey: `${output.id}/${ofReturn.period}`,
          before,
          after: {
            actual: row.actual,
            note: row.note,
            returnId: ofReturn.id,
            source: 'return',
            reference: `return:${ofReturn.id}`,
          },
          requestId: actor.requestId ?? null,
        })
      }
    },
  }
}
