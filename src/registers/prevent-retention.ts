import type { ClockKind, RetentionDescriptor } from '../retention/retention-descriptor.ts'
import { RECORD_TYPES, type RecordType, type RegisterTable } from './prevent-record-types.ts'
import type { PreventRepository } from './prevent-repository.ts'

/**
 * The Prevent and engagement record types in the retention framework (src/retention/, issue 12 item 7): one
 * descriptor per register, built from the register's own descriptor (prevent-record-types.ts) so the table and the
 * column that starts the clock are named once. `prevent_arrangements` is the partnership's configuration, not a
 * record, and has no retention period. Deletion goes through the Prevent repository (the registers' one writer),
 * which audits each row in the retention service's unit of work.
 *
 * The defaults are suggestions a partnership officer can accept or change on `/retention`, each with its reason:
 * - six years for the records that show how the Prevent duty (Counter-Terrorism and Security Act 2015 s.26) and the
 *   Channel panel (s.36) were carried out, training included: the Prevent duty guidance expects a partnership to be
 *   able to show what it did, and six years is the usual local-authority period for records of a statutory function
 *   (the IRMS retention guidelines for local authorities);
 * - three years for engagement activities, which the annual report and the strategic assessment compare over three
 *   years; six for consultations (they inform the strategic assessment and may be asked for again) and covenant
 *   sign-ups (an arrangement with an organisation, as for the reporting centres).
 * Every reason ends by asking the partnership to confirm it with its data protection officer.
 */

/** The clock each register's date column keeps: the referral counts' quarter, and a setting's recorded instant. */
const CLOCK_KINDS: Readonly<Partial<Record<RegisterTable, ClockKind>>> = {
  prevent_referral_counts: 'quarter',
  prevent_register_settings: 'instant',
}

interface Policy {
  /** Stable key, as kept in the periods' and tombstones' rows (and in the `/retention/:type/:id` address). */
  readonly recordType: string
  readonly clockStarts: string
  /** A column naming a row without personal text: none of these registers holds a person. */
  readonly labelColumn: string
  readonly labelWords?: (value: string) => string
  readonly defaultMonths: number
  readonly defaultReason: string
}

const CONFIRM = 'confirm with the partnership’s data protection officer.'
const DUTY = 'the usual local-authority period for records of how a statutory duty was carried out'

const POLICIES: Readonly<Partial<Record<RegisterTable, Policy>>> = {
  prevent_meetings: {
    recordType: 'prevent-meeting',
    clockStarts: 'on the date of the meeting',
    labelColumn: 'body',
    defaultMonths: 72,
    defaultReason: `Suggested default: six years after the meeting, ${DUTY} (the Prevent duty, Counter-Terrorism and Security Act 2015 s.26); ${CONFIRM}`,
  },
  prevent_risk_assessments: {
    recordType: 'prevent-risk-assessment',
    clockStarts: 'on the date of the assessment',
    labelColumn: 'tier',
    labelWords: (tier) => `Tier ${tier}`,
    defaultMonths: 72,
    defaultReason: `Suggested default: six years after the assessment, ${DUTY}; the assessment in use is never deleted; ${CONFIRM}`,
  },
  prevent_referral_pathways: {
    recordType: 'prevent-referral-pathway',
    clockStarts: 'on the date the version came into use',
    labelColumn: 'pathway_version',
    labelWords: (version) => `Version ${version}`,
    defaultMonths: 72,
    defaultReason: `Suggested default: six years after the version came into use, ${DUTY}; the version in use is never deleted; ${CONFIRM}`,
  },
  channel_panel_meetings: {
    recordType: 'channel-panel-meeting',
    clockStarts: 'on the date of the meeting',
    labelColumn: 'meeting_date',
    labelWords: (date) => `Channel panel meeting of ${date}`,
    defaultMonths: 72,
    defaultReason: `Suggested default: six years after the meeting, ${DUTY} (the Channel panel, Counter-Terrorism and Security Act 2015 s.36); the register holds case counts only; ${CONFIRM}`,
  },
  prevent_register_settings: {
    recordType: 'prevent-setting',
    clockStarts: 'on the day the setting was added to the register',
    labelColumn: 'name',
    defaultMonths: 72,
    defaultReason: `Suggested default: six years after the setting was added, and never while training delivered to it is kept (its coverage counts it); ${CONFIRM}`,
  },
  prevent_training: {
    recordType: 'prevent-training',
    clockStarts: 'on the date the training was delivered',
    labelColumn: 'course',
    defaultMonths: 72,
    defaultReason: `Suggested default: six years after delivery, ${DUTY} (training is how the Prevent duty guidance expects staff to be ready); ${CONFIRM}`,
  },
  prevent_communications: {
    recordType: 'prevent-communication',
    clockStarts: 'on the date it was sent',
    labelColumn: 'channel',
    defaultMonths: 72,
    defaultReason: `Suggested default: six years after it was sent, ${DUTY}; ${CONFIRM}`,
  },
  prevent_referral_counts: {
    recordType: 'prevent-referral-count',
    clockStarts: 'at the end of the quarter counted',
    labelColumn: 'quarter',
    defaultMonths: 72,
    defaultReason: `Suggested default: six years after the quarter ends, ${DUTY}; counts only, no person; ${CONFIRM}`,
  },
  engagement_activities: {
    recordType: 'engagement-activity',
    clockStarts: 'on the date it was held',
    labelColumn: 'title',
    defaultMonths: 36,
    defaultReason: `Suggested default: three years after it was held, the years the annual report and the strategic assessment compare; ${CONFIRM}`,
  },
  engagement_consultations: {
    recordType: 'engagement-consultation',
    clockStarts: 'on the date it opened',
    labelColumn: 'title',
    defaultMonths: 72,
    defaultReason: `Suggested default: six years after it opened: consultations inform the strategic assessment and may be asked for again; ${CONFIRM}`,
  },
  covenant_signatories: {
    recordType: 'covenant-signatory',
    clockStarts: 'on the date it was signed',
    labelColumn: 'organisation',
    defaultMonths: 72,
    defaultReason: `Suggested default: six years after signing, as for the partnership’s other arrangements with organisations; ${CONFIRM}`,
  },
}

/** The register types whose newest row is the one in use: it is kept whatever its age. */
const IN_USE: Readonly<Partial<Record<RegisterTable, string>>> = {
  prevent_risk_assessments: 'it is the local risk assessment in use: record a newer one first',
  prevent_referral_pathways: 'it is the referral pathway in use: record a newer version first',
}

/** Why a row is still needed, or null: a setting that training points at, the assessment or pathway in use. */
async function neededBy(
  repository: PreventRepository,
  type: RecordType,
  uow: Parameters<PreventRepository['list']>[0],
  id: number,
): Promise<string | null> {
  const pointing = await repository.pointingAt(uow, type, id)
  if (pointing > 0)
    return `${pointing} ${pointing === 1 ? 'record' : 'records'} of training delivered ${pointing === 1 ? 'names' : 'name'} it as the setting that received it: delete ${pointing === 1 ? 'that record' : 'those records'} first`
  const inUse = IN_USE[type.table]
  if (inUse) {
    // The list is newest first (its date, then its id): the first row is the one in use.
    const [newest] = await repository.list(uow, type)
    if (newest?.id === id) return inUse
  }
  return null
}

/**
 * The retention descriptors of the Prevent and engagement registers, for the composition root's list.
 *
 * @example createRetentionService({ database, audit, descriptors: [...preventRetention(preventRepository)] })
 */
export function preventRetention(repository: PreventRepository): RetentionDescriptor[] {
  return RECORD_TYPES.flatMap((type) => {
    const policy = POLICIES[type.table]
    if (!policy) return []
    const descriptor: RetentionDescriptor = {
      ...policy,
      name: type.title,
      table: type.table,
      clockColumn: type.dateColumn,
      clockKind: CLOCK_KINDS[type.table] ?? 'date',
      neededBy: (uow, id) => neededBy(repository, type, uow, id),
      async delete(uow, id, actor, requestId) {
        if (!(await repository.remove(uow, type, id, { actor, requestId })))
          throw new Error(`No ${type.singular.toLowerCase()} ${id} to delete`)
      },
    }
    return [descriptor]
  })
}
