import type { PreventTables } from './prevent-tables.ts'
import type { EngagementTables } from './engagement-tables.ts'

/**
 * The Prevent and engagement registers as descriptors: each record type names its table, its fields (what the form
 * asks, how a value is checked, how the list shows it) and the date that places a row in a year. One descriptor drives
 * the list page, the form, the checks and the retention descriptor (prevent-retention.ts), so the twelve small
 * registers share one tested path instead of twelve copies of the same form code.
 */

export type RegisterTable = keyof PreventTables | keyof EngagementTables

export type RegisterArea = 'prevent' | 'engagement'

/** Rows that point at other rows: the form's choices come from the partnership's own rows. */
export type ReferenceKind = 'board-meeting' | 'setting' | 'strategic-priority'

export interface Choice {
  readonly value: string
  readonly text: string
}

export interface Field {
  /** The column, and the form field's name. */
  readonly name: string
  readonly label: string
  readonly kind: 'text' | 'longtext' | 'date' | 'count' | 'choice' | 'reference' | 'quarter'
  readonly required: boolean
  readonly hint?: string
  readonly choices?: readonly Choice[]
  readonly reference?: ReferenceKind
  /** Characters a text may have. */
  readonly maxLength?: number
}

/** A value as stored: text, a whole number, or nothing. */
export type StoredValue = string | number | null

export interface RecordType {
  readonly area: RegisterArea
  /** The address segment, e.g. `channel-panel`. */
  readonly slug: string
  readonly table: RegisterTable
  /** Plural, as a page title: "Channel panel meetings". */
  readonly title: string
  /** One of them, lower case after the first word: "Channel panel meeting". */
  readonly singular: string
  readonly description: string
  readonly fields: readonly Field[]
  /** The date that places a row in a year, orders the list and starts the retention clock. */
  readonly dateColumn: string
  /** A rule across fields: the field to flag and the message, or null when the values agree. */
  readonly check?: (values: Readonly<Record<string, StoredValue>>) => { field: string; message: string } | null
}

export const SETTING_KINDS: readonly Choice[] = [
  { value: 'school', text: 'School' },
  { value: 'college', text: 'College' },
  { value: 'university', text: 'University' },
  { value: 'early-years', text: 'Early years setting' },
  { value: 'health', text: 'Health setting' },
  { value: 'other', text: 'Other setting' },
]

/** "schools", as a coverage sentence names them. */
export const SETTING_KIND_PLURAL: Readonly<Record<string, string>> = {
  school: 'schools',
  college: 'colleges',
  university: 'universities',
  'early-years': 'early years settings',
  health: 'health settings',
  other: 'other settings',
}

export const ACTIVITY_TYPES: readonly Choice[] = [
  { value: 'event', text: 'Event' },
  { value: 'campaign', text: 'Campaign' },
  { value: 'training', text: 'Training' },
  { value: 'pact-meeting', text: 'PACT meeting' },
  { value: 'survey', text: 'Survey' },
  { value: 'social-media', text: 'Social media' },
  { value: 'consultation', text: 'Consultation' },
]

/** The board's sectors (src/board/board-tables.ts `Sector`; the migration checks the same list). */
export const SECTORS: readonly Choice[] = [
  { value: 'council', text: 'Council' },
  { value: 'police', text: 'Police' },
  { value: 'fire-and-rescue', text: 'Fire and rescue' },
  { value: 'probation', text: 'Probation' },
  { value: 'health', text: 'Health' },
  { value: 'youth-offending', text: 'Youth offending' },
  { value: 'police-and-crime-commissioner', text: 'Police and Crime Commissioner' },
  { value: 'housing', text: 'Housing' },
  { value: 'education', text: 'Education' },
  { value: 'voluntary', text: 'Voluntary sector' },
  { value: 'faith', text: 'Faith sector' },
  { value: 'business', text: 'Business' },
  { value: 'resident', text: 'Residents' },
  { value: 'other', text: 'Other' },
]

const SHORT = 200
const LONG = 5000

export const RECORD_TYPES: readonly RecordType[] = [
  {
    area: 'prevent',
    slug: 'meetings',
    table: 'prevent_meetings',
    title: 'Prevent group and Contest Board meetings',
    singular: 'Meeting',
    description: 'Meetings of the multi-agency Prevent group and the Contest Board: the date and how many attended.',
    dateColumn: 'meeting_date',
    fields: [
      {
        name: 'body',
        label: 'Which group met',
        kind: 'text',
        required: true,
        hint: 'For example, Prevent partnership group or Contest Board',
        maxLength: SHORT,
      },
      { name: 'meeting_date', label: 'Date', kind: 'date', required: true },
      { name: 'attendance', label: 'Number attending (optional)', kind: 'count', required: false },
      {
        name: 'board_meeting_id',
        label: 'The board meeting it was (optional)',
        kind: 'reference',
        reference: 'board-meeting',
        required: false,
        hint: 'When the group is one of the board’s, its meeting’s attendance is recorded there',
      },
    ],
  },
  {
    area: 'prevent',
    slug: 'risk-assessments',
    table: 'prevent_risk_assessments',
    title: 'Local risk assessments',
    singular: 'Risk assessment',
    description: 'The local Prevent risk assessment: when it was made, the tier, a summary and when it is reviewed.',
    dateColumn: 'assessed_on',
    fields: [
      { name: 'assessed_on', label: 'Date of the assessment', kind: 'date', required: true },
      {
        name: 'tier',
        label: 'Tier',
        kind: 'text',
        required: true,
        hint: '1, 2 or 3, or the term the Home Office now uses',
        maxLength: 60,
      },
      { name: 'summary', label: 'Summary (optional)', kind: 'longtext', required: false, maxLength: LONG },
      { name: 'review_on', label: 'Review date (optional)', kind: 'date', required: false },
    ],
  },
  {
    area: 'prevent',
    slug: 'referral-pathway',
    table: 'prevent_referral_pathways',
    title: 'Referral pathway',
    singular: 'Referral pathway version',
    description: 'How a concern is referred, in each version the partnership has agreed.',
    dateColumn: 'effective_on',
    fields: [
      {
        name: 'pathway_version',
        label: 'Version',
        kind: 'text',
        required: true,
        hint: 'For example, 2.1',
        maxLength: 40,
      },
      { name: 'effective_on', label: 'Date in use from', kind: 'date', required: true },
      { name: 'pathway', label: 'The pathway', kind: 'longtext', required: true, maxLength: LONG },
    ],
  },
  {
    area: 'prevent',
    slug: 'channel-panel',
    table: 'channel_panel_meetings',
    title: 'Channel panel meetings',
    singular: 'Channel panel meeting',
    description:
      'Channel panel meetings with their attendance and case counts only. Never record a name or anything that could identify a person here.',
    dateColumn: 'meeting_date',
    fields: [
      { name: 'meeting_date', label: 'Date', kind: 'date', required: true },
      { name: 'attendance', label: 'Number attending (optional)', kind: 'count', required: false },
      { name: 'cases_discussed', label: 'Cases discussed', kind: 'count', required: true },
      { name: 'cases_adopted', label: 'Cases adopted', kind: 'count', required: true },
      { name: 'cases_closed', label: 'Cases closed', kind: 'count', required: true },
    ],
    check: (v) =>
      typeof v.cases_adopted === 'number' &&
      typeof v.cases_discussed === 'number' &&
      v.cases_adopted > v.cases_discussed
        ? { field: 'cases_adopted', message: 'Cases adopted must not be more than cases discussed' }
        : null,
  },
  {
    area: 'prevent',
    slug: 'settings',
    table: 'prevent_register_settings',
    title: 'Settings of the area',
    singular: 'Setting',
    description:
      'The area’s schools, colleges and other settings that training coverage is counted against. Import the list as CSV or add them one by one.',
    dateColumn: 'created_at',
    fields: [
      { name: 'kind', label: 'Kind of setting', kind: 'choice', choices: SETTING_KINDS, required: true },
      { name: 'name', label: 'Name', kind: 'text', required: true, maxLength: SHORT },
      {
        name: 'reference',
        label: 'Reference (optional)',
        kind: 'text',
        required: false,
        hint: 'The setting’s own reference, for example a school’s URN',
        maxLength: 40,
      },
    ],
  },
  {
    area: 'prevent',
    slug: 'training',
    table: 'prevent_training',
    title: 'Training delivered',
    singular: 'Training delivered',
    description: 'Prevent training delivered: the course, the date, sessions and attendees, and who received it.',
    dateColumn: 'delivered_on',
    fields: [
      { name: 'course', label: 'Course', kind: 'text', required: true, hint: 'For example, WRAP', maxLength: SHORT },
      { name: 'delivered_on', label: 'Date delivered', kind: 'date', required: true },
      { name: 'sessions', label: 'Sessions', kind: 'count', required: true },
      { name: 'attendees', label: 'Attendees', kind: 'count', required: true },
      {
        name: 'audience_organisation',
        label: 'Audience organisation (optional)',
        kind: 'text',
        required: false,
        maxLength: SHORT,
      },
      {
        name: 'setting_id',
        label: 'Setting of the area that received it (optional)',
        kind: 'reference',
        reference: 'setting',
        required: false,
        hint: 'Counts towards the coverage of its kind of setting',
      },
    ],
  },
  {
    area: 'prevent',
    slug: 'communications',
    table: 'prevent_communications',
    title: 'Communications',
    singular: 'Communication',
    description: 'Prevent communications: the date, the channel, the audience and the reach.',
    dateColumn: 'sent_on',
    fields: [
      { name: 'sent_on', label: 'Date', kind: 'date', required: true },
      {
        name: 'channel',
        label: 'Channel',
        kind: 'text',
        required: true,
        hint: 'For example, newsletter, Twitter, briefing',
        maxLength: SHORT,
      },
      { name: 'audience', label: 'Audience (optional)', kind: 'text', required: false, maxLength: SHORT },
      { name: 'reach', label: 'Reach (optional)', kind: 'count', required: false },
    ],
  },
  {
    area: 'prevent',
    slug: 'referrals',
    table: 'prevent_referral_counts',
    title: 'Prevent referrals by quarter',
    singular: 'Quarter’s Prevent referrals',
    description: 'The number of Prevent referrals received each quarter, as their source counts them.',
    dateColumn: 'quarter',
    fields: [
      { name: 'quarter', label: 'Quarter', kind: 'quarter', required: true, hint: 'For example, FY2017-18-Q1' },
      { name: 'referrals', label: 'Referrals received', kind: 'count', required: true },
      { name: 'source', label: 'Source', kind: 'text', required: true, hint: 'For example, WMP CTU', maxLength: SHORT },
    ],
  },
  {
    area: 'engagement',
    slug: 'activities',
    table: 'engagement_activities',
    title: 'Engagement activities',
    singular: 'Activity',
    description: 'Events, campaigns, training, PACT meetings, surveys, social media and consultations.',
    dateColumn: 'held_on',
    fields: [
      { name: 'activity_type', label: 'Type', kind: 'choice', choices: ACTIVITY_TYPES, required: true },
      { name: 'title', label: 'What it was', kind: 'text', required: true, maxLength: SHORT },
      { name: 'held_on', label: 'Date', kind: 'date', required: true },
      {
        name: 'priority_id',
        label: 'Strategic priority (optional)',
        kind: 'reference',
        reference: 'strategic-priority',
        required: false,
      },
      { name: 'audience', label: 'Audience (optional)', kind: 'text', required: false, maxLength: SHORT },
      {
        name: 'organisations',
        label: 'Organisations taking part (optional)',
        kind: 'text',
        required: false,
        maxLength: 1000,
      },
      { name: 'reach', label: 'Reach (optional)', kind: 'count', required: false },
      { name: 'participants', label: 'Participants (optional)', kind: 'count', required: false },
    ],
  },
  {
    area: 'engagement',
    slug: 'consultations',
    table: 'engagement_consultations',
    title: 'Consultations and surveys',
    singular: 'Consultation or survey',
    description: 'Consultations and surveys of residents and partners: dates, responses and what they found.',
    dateColumn: 'opens_on',
    fields: [
      { name: 'title', label: 'Title', kind: 'text', required: true, maxLength: SHORT },
      { name: 'opens_on', label: 'Date opened', kind: 'date', required: true },
      { name: 'closes_on', label: 'Date closed (optional)', kind: 'date', required: false },
      { name: 'responses', label: 'Responses (optional)', kind: 'count', required: false },
      { name: 'findings', label: 'Findings (optional)', kind: 'longtext', required: false, maxLength: LONG },
    ],
    check: (v) =>
      typeof v.closes_on === 'string' && typeof v.opens_on === 'string' && v.closes_on < v.opens_on
        ? { field: 'closes_on', message: 'The closing date must be on or after the opening date' }
        : null,
  },
  {
    area: 'engagement',
    slug: 'covenants',
    table: 'covenant_signatories',
    title: 'Covenant and charter sign-ups',
    singular: 'Sign-up',
    description: 'Organisations that signed a covenant or charter, such as the Faith Covenant.',
    dateColumn: 'signed_on',
    fields: [
      {
        name: 'covenant',
        label: 'Covenant or charter',
        kind: 'text',
        required: true,
        hint: 'For example, Wolverhampton Faith Covenant',
        maxLength: SHORT,
      },
      { name: 'organisation', label: 'Organisation', kind: 'text', required: true, maxLength: SHORT },
      { name: 'sector', label: 'Sector', kind: 'choice', choices: SECTORS, required: true },
      { name: 'signed_on', label: 'Date signed', kind: 'date', required: true },
    ],
  },
]

/** The record type at `/registers/<area>/<slug>`, or undefined. */
export function recordType(area: string, slug: string): RecordType | undefined {
  return RECORD_TYPES.find((t) => t.area === area && t.slug === slug)
}

/** What the form sent for one field: a text, or a date's three boxes. */
export type EnteredValue = string | { readonly day: string; readonly month: string; readonly year: string }

export interface ParsedForm {
  readonly values: Record<string, StoredValue>
  /** Field name → message, in the form's order. */
  readonly errors: Record<string, string>
  /** What was typed, to show the form again. */
  readonly entered: Record<string, EnteredValue>
}

const QUARTER = /^FY(\d{4})-(\d{2})-Q([1-4])$/

/**
 * A real calendar date from three boxes, as `YYYY-MM-DD`; '' when all three are empty; null when it is not a date.
 *
 * @example dateFromBoxes({ day: '29', month: '2', year: '2020' }) // '2020-02-29'
 * @example dateFromBoxes({ day: '29', month: '2', year: '2019' }) // null
 */
export function dateFromBoxes(boxes: { day: string; month: string; year: string }): string | null {
  const [d, m, y] = [boxes.day.trim(), boxes.month.trim(), boxes.year.trim()]
  if (d === '' && m === '' && y === '') return ''
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return null
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)))
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d))
    return null
  return date.toISOString().slice(0, 10)
}

/** A stored date shown in the form's three boxes. */
export function boxesOf(value: StoredValue): { day: string; month: string; year: string } {
  if (typeof value !== 'string' || value.length !== 10) return { day: '', month: '', year: '' }
  return { day: String(Number(value.slice(8, 10))), month: String(Number(value.slice(5, 7))), year: value.slice(0, 4) }
}

/**
 * Checks a form against its record type. `referenceChoices` are the ids a reference field may take (the partnership's
 * own rows). Every error is reported at once, so the page lists them all.
 */
export function parseRecordForm(
  type: RecordType,
  body: Readonly<Record<string, unknown>>,
  referenceChoices: Readonly<Partial<Record<ReferenceKind, readonly Choice[]>>>,
): ParsedForm {
  const values: Record<string, StoredValue> = {}
  const errors: Record<string, string> = {}
  const entered: Record<string, EnteredValue> = {}
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '').trim()
  for (const field of type.fields) {
    const label = field.label.replace(/ \(optional\)$/, '')
    if (field.kind === 'date') {
      const boxes = {
        day: text(`${field.name}-day`),
        month: text(`${field.name}-month`),
        year: text(`${field.name}-year`),
      }
      entered[field.name] = boxes
      const date = dateFromBoxes(boxes)
      if (date === null) errors[field.name] = `${label} must be a real date, for example 31 3 2018`
      else if (date === '' && field.required) errors[field.name] = `Enter the ${lowerFirst(label)}`
      else values[field.name] = date === '' ? null : date
      continue
    }
    const raw = text(field.name)
    entered[field.name] = raw
    if (raw === '') {
      if (field.required)
        errors[field.name] =
          field.kind === 'choice' || field.kind === 'reference'
            ? `Select the ${lowerFirst(label)}`
            : `Enter the ${lowerFirst(label)}`
      else values[field.name] = null
      continue
    }
    switch (field.kind) {
      case 'text':
      case 'longtext':
        if (field.maxLength !== undefined && raw.length > field.maxLength)
          errors[field.name] = `${label} must be ${field.maxLength} characters or fewer`
        else values[field.name] = raw
        break
      case 'count':
        if (!/^\d{1,9}$/.test(raw.replace(/,/g, ''))) errors[field.name] = `${label} must be a whole number, 0 or more`
        else values[field.name] = Number(raw.replace(/,/g, ''))
        break
      case 'quarter': {
        const m = QUARTER.exec(raw)
        if (!m || (Number(m[1]) + 1) % 100 !== Number(m[2]))
          errors[field.name] = `${label} must be a financial quarter such as FY2017-18-Q1`
        else values[field.name] = raw
        break
      }
      case 'choice':
        if (!(field.choices ?? []).some((c) => c.value === raw)) errors[field.name] = `Select the ${lowerFirst(label)}`
        else values[field.name] = raw
        break
      case 'reference': {
        const allowed = referenceChoices[field.reference as ReferenceKind] ?? []
        if (!allowed.some((c) => c.value === raw)) errors[field.name] = `Select the ${lowerFirst(label)} from the list`
        else values[field.name] = Number(raw)
        break
      }
    }
  }
  if (Object.keys(errors).length === 0 && type.check) {
    const problem = type.check(values)
    if (problem) errors[problem.field] = problem.message
  }
  return { values, errors, entered }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}

/** A stored row's values shown in its form. */
export function enteredOf(type: RecordType, row: Readonly<Record<string, unknown>>): Record<string, EnteredValue> {
  const entered: Record<string, EnteredValue> = {}
  for (const field of type.fields) {
    const value = row[field.name]
    entered[field.name] =
      field.kind === 'date'
        ? boxesOf((value ?? null) as StoredValue)
        : value === null || value === undefined
          ? ''
          : String(value)
  }
  return entered
}
