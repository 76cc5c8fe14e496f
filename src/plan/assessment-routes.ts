import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express'
import type { AccountService } from '../accounts/account-service.ts'
import { can, type Principal } from '../accounts/permissions.ts'
import { requirePermission } from '../accounts/web/authentication.ts'
import { errorView, formField, idParameter } from '../accounts/web/forms.ts'
import { redirectAfterSaving, takeFlash } from '../accounts/web/session.ts'
import { lastDayOfMonth, period } from '../domain/period.ts'
import { dateInWords } from '../shared/time-in-words.ts'
import { CITATION_KIND_WORDS, CITATION_KINDS, CRIME_RANKS, CRIME_TOTAL } from './assessment-citations.ts'
import { IMPACT_WORDS, LIKELIHOOD_WORDS } from './assessment-scoring.ts'
import {
  AssessmentNotFound,
  assessmentYear,
  CONSULTATION_METHODS,
  CONSULTEE_KINDS,
  yearSlug,
  type AssessmentService,
  type FieldProblem,
  type Outcome,
} from './assessment-service.ts'
import { assessmentSummary, assessmentView, ratingItems } from './assessment-view.ts'

/**
 * The strategic assessment's pages, under `/plan/assessments`: the list, one assessment (findings with their cited
 * figures, the threats and the scoring matrix, recommendations, consultation), and a form page for each thing an
 * editor adds. Reading asks `plan:view` with no agency: an assessment belongs to the whole partnership, so a data
 * owner (whose `plan:view` is their own agency's) does not read it (see docs/architecture.md). Changing asks
 * `plan:edit`. Every form works without JavaScript and answers a problem with the GOV.UK error summary.
 */
/** A consultation or survey of the engagement register (src/registers/), shown beside the assessment's own record. */
export interface RegisterConsultationLine {
  readonly title: string
  readonly opensOn: string
  readonly closesOn: string | null
  readonly responses: number | null
  readonly findings: string | null
  readonly illustrative: boolean
}

export function assessmentRoutes(options: {
  readonly assessments: AssessmentService
  readonly accounts: Pick<AccountService, 'log'>
  /**
   * The engagement register's consultations and surveys open between two dates, for a reader who may see the
   * registers; null for one who may not. Optional: the plan does not depend on the registers.
   */
  readonly registerConsultations?: (
    user: Principal,
    from: string,
    to: string,
  ) => Promise<readonly RegisterConsultationLine[] | null>
}): express.Router {
  const { assessments } = options
  const router = express.Router()
  const view: RequestHandler = requirePermission(options.accounts, 'plan:view')
  const edit: RequestHandler = requirePermission(options.accounts, 'plan:edit')

  const actor = (res: Response): string => {
    const user = res.locals.currentUser
    if (!user) throw new Error('requirePermission lets no anonymous request through')
    return user.email
  }
  const wrap =
    (handler: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) =>
      handler(req, res).catch((error: unknown) => (error instanceof AssessmentNotFound ? next() : next(error)))
  const pageOf = async (req: Request) => {
    const page = await assessments.page(String(req.params.year))
    if (!page) throw new AssessmentNotFound(`assessment ${String(req.params.year)}`)
    return page
  }
  const home = (req: Request, slug: string, anchor = '') => `${req.baseUrl}/plan/assessments/${slug}${anchor}`

  /** A form page: the fields as govuk-frontend components, each with its error. */
  function renderForm(
    res: Response,
    status: number,
    form: {
      title: string
      caption: string
      action: string
      submit: string
      back: string
      intro?: string
      warning?: string
      fields: readonly FormFieldSpec[]
    },
    problems: readonly FieldProblem[] = [],
  ) {
    const errors = errorView(problems)
    res.status(status).render('plan/assessment-form.njk', {
      pageTitle: problems.length > 0 ? `Error: ${form.title}` : form.title,
      ...form,
      fields: form.fields.map((f) => ({ ...f, errorMessage: errors.fieldErrors[f.name] })),
      errorList: errors.errorList,
    })
  }

  /** Answers an outcome: to the assessment page with a message, or the form again with its problems (400/409). */
  async function answer<T>(
    req: Request,
    res: Response,
    outcome: Outcome<T>,
    done: { slug: string; anchor: string; flash: string },
    again: (problems: readonly FieldProblem[], status: number) => Promise<void> | void,
  ) {
    if (outcome.ok) {
      req.session.flash = done.flash
      await redirectAfterSaving(req, res, home(req, done.slug, done.anchor))
      return
    }
    const final = outcome.problems.some((p) => p.field === 'assessment')
    await again(outcome.problems, final ? 409 : 400)
  }

  const body = (req: Request, ...names: string[]) =>
    Object.fromEntries(names.map((n) => [n, formField(req.body, n)])) as Record<string, string>

  router.get(
    '/plan/assessments',
    view,
    wrap(async (req, res) => {
      const list = await assessments.list()
      res.render('plan/assessments.njk', {
        pageTitle: 'Strategic assessments',
        assessments: list.map(assessmentSummary),
        canEdit: can(res.locals.currentUser, 'plan:edit'),
        flash: takeFlash(req),
      })
    }),
  )

  const newAssessmentForm = (values: Record<string, string>) => ({
    title: 'Start a strategic assessment',
    caption: 'Strategic assessments',
    action: '/plan/assessments',
    submit: 'Start the assessment',
    back: '/plan/assessments',
    intro:
      'The Crime and Disorder Act 1998 (section 6) and its regulations ask for a strategic assessment each year: ' +
      'what the data says, to set the next year’s delivery priorities.',
    fields: [
      input('year', 'The financial year it informs', values, 'For example 2018-19', 'govuk-input--width-10'),
      input(
        'dataFrom',
        'First quarter of the data it reads (optional)',
        values,
        'For example FY2017-18-Q1. Empty: Q1 of the year before.',
        'govuk-input--width-10',
      ),
      input(
        'dataTo',
        'Last quarter of the data it reads (optional)',
        values,
        'For example FY2017-18-Q4. Empty: Q4 of the year before.',
        'govuk-input--width-10',
      ),
      input('title', 'Title (optional)', values, 'Empty: "Strategic assessment" and the year'),
      textarea('summary', 'Summary (optional)', values),
    ],
  })

  router.get('/plan/assessments/new', edit, (_req, res) => renderForm(res, 200, newAssessmentForm({})))

  router.post(
    '/plan/assessments',
    edit,
    wrap(async (req, res) => {
      const values = body(req, 'year', 'dataFrom', 'dataTo', 'title', 'summary')
      const outcome = await assessments.create(actor(res), values)
      await answer(
        req,
        res,
        outcome,
        {
          slug: outcome.ok ? yearSlug(outcome.value.year) : '',
          anchor: '',
          flash: 'The assessment is started as a draft.',
        },
        (problems, status) => renderForm(res, status, newAssessmentForm(values), problems),
      )
    }),
  )

  async function renderAssessment(req: Request, res: Response, status = 200, problems: readonly FieldProblem[] = []) {
    const page = await pageOf(req)
    const model = assessmentView(page)
    const title = `${model.title}${model.illustrative ? ' (illustrative)' : ''}`
    const user = res.locals.currentUser
    // The register's consultations over the months the assessment's data covers.
    const from = `${period(page.record.assessment.dataFrom).firstMonth}-01`
    const to = lastDayOfMonth(period(page.record.assessment.dataTo).lastMonth)
    const registered =
      user && options.registerConsultations ? await options.registerConsultations(user, from, to) : null
    res.status(status).render('plan/assessment.njk', {
      pageTitle: problems.length > 0 ? `Error: ${title}` : title,
      assessment: model,
      registerConsultations: registered?.map((c) => ({
        title: c.title,
        when: c.closesOn ? `${dateInWords(c.opensOn)} to ${dateInWords(c.closesOn)}` : dateInWords(c.opensOn),
        responses: c.responses === null ? 'Not recorded' : c.responses.toLocaleString('en-GB'),
        findings: c.findings ?? 'Not recorded',
        illustrative: c.illustrative,
      })),
      registerWindow: `${dateInWords(from)} to ${dateInWords(to)}`,
      canEdit: can(res.locals.currentUser, 'plan:edit'),
      flash: problems.length > 0 ? undefined : takeFlash(req),
      // The problem is with the whole page's action: the summary links to the top of the findings.
      errorList: problems.map((p) => ({ text: p.message, href: '#findings' })),
    })
  }

  router.get(
    '/plan/assessments/:year',
    view,
    wrap((req, res) => renderAssessment(req, res)),
  )

  // Removing an item of a draft: one small form per item on the assessment page (its id in a hidden field).
  router.post(
    '/plan/assessments/:year/remove',
    edit,
    wrap(async (req, res) => {
      const { record } = await pageOf(req)
      const slug = yearSlug(record.assessment.year)
      const outcome = await assessments.remove(actor(res), record.assessment.year, body(req, 'item'))
      const anchors: Record<string, string> = {
        finding: '#findings',
        citation: '#findings',
        threat: '#threats',
        recommendation: '#recommendations',
        consultation: '#consultation',
      }
      await answer(
        req,
        res,
        outcome,
        { slug, anchor: outcome.ok ? (anchors[outcome.value] ?? '') : '', flash: 'Removed.' },
        (problems, status) => renderAssessment(req, res, status, problems),
      )
    }),
  )

  // ---- Findings and their citations ---------------------------------------------------------------------------
  const priorityItems = async (year: string, chosen: string) => [
    { value: '', text: 'None: a theme of its own' },
    ...(await assessments.prioritiesFor(year)).map((p) => ({
      value: String(p.id),
      text: `${p.name} (${p.strategy})`,
      selected: chosen === String(p.id),
    })),
  ]

  const findingForm = async (slug: string, year: string, values: Record<string, string>) => ({
    title: 'Add a finding',
    caption: `Strategic assessment ${period(year).label}`,
    action: `/plan/assessments/${slug}/findings`,
    submit: 'Add the finding',
    back: `/plan/assessments/${slug}#findings`,
    fields: [
      select(
        'priority',
        'Strategic priority it is about',
        await priorityItems(year, values.priority ?? ''),
        'Its name becomes the theme.',
      ),
      input(
        'theme',
        'Or a theme of its own',
        values,
        'For example: Night-time economy. Used when no strategic priority is chosen.',
      ),
      textarea('text', 'The finding', values),
    ],
  })

  router.get(
    '/plan/assessments/:year/findings/new',
    edit,
    wrap(async (req, res) => {
      const { record } = await pageOf(req)
      const slug = yearSlug(record.assessment.year)
      renderForm(res, 200, await findingForm(slug, record.assessment.year, {}))
    }),
  )

  router.post(
    '/plan/assessments/:year/findings',
    edit,
    wrap(async (req, res) => {
      const { record } = await pageOf(req)
      const slug = yearSlug(record.assessment.year)
      const values = body(req, 'priority', 'theme', 'text')
      const outcome = await assessments.addFinding(actor(res), record.assessment.year, values)
      await answer(req, res, outcome, { slug, anchor: '#findings', flash: 'The finding is added.' }, async (p, s) =>
        renderForm(res, s, await findingForm(slug, record.assessment.year, values), p),
      )
    }),
  )

  const citationForm = async (
    slug: string,
    year: string,
    dataTo: string,
    findingId: number,
    values: Record<string, string>,
  ) => {
    const dataYear = `FY${dataTo.slice(2, 9)}`
    const citable = await assessments.citable(dataYear)
    const chosen = (name: string, value: string) => (values[name] ?? '') === value
    return {
      title: 'Cite a figure',
      caption: `Strategic assessment ${period(year).label}`,
      action: `/plan/assessments/${slug}/findings/${findingId}/citations`,
      submit: 'Cite the figure',
      back: `/plan/assessments/${slug}#finding-${findingId}`,
      intro:
        'A cited figure is read from saferhub’s data, never typed: while the assessment is a draft it shows the ' +
        'figure as it is now; when the assessment is made final, the figure is kept as it was then.',
      fields: [
        {
          kind: 'radios' as const,
          name: 'kind',
          label: 'What to cite',
          items: CITATION_KINDS.map((k) => ({ value: k, text: CITATION_KIND_WORDS[k], checked: chosen('kind', k) })),
        },
        select('kpi', 'KPI (for a KPI figure)', [
          { value: '', text: 'Choose a KPI' },
          ...citable.kpis.map((k) => ({ value: k.id, text: k.name, selected: chosen('kpi', k.id) })),
        ]),
        select('crime', 'Crime measure (for a police recorded crime headline)', [
          ...citable.crimeMeasures.map((m) => ({
            value: m,
            text: m === CRIME_TOTAL ? 'Total recorded crime (the snapshot sentences)' : m,
            selected: chosen('crime', m),
          })),
        ]),
        select('rank', 'Rank (for a police recorded crime rank)', [
          ...Object.entries(CRIME_RANKS).map(([k, words]) => ({ value: k, text: words, selected: chosen('rank', k) })),
        ]),
        input(
          'period',
          'Financial year of the figure',
          { period: values.period ?? period(dataYear).id.replace(/^FY/, '') },
          'For example 2017-18',
          'govuk-input--width-10',
        ),
      ],
    }
  }

  const findingOf = (req: Request) => {
    const id = idParameter(req.params.finding)
    if (id === null) throw new AssessmentNotFound('finding')
    return id
  }

  router.get(
    '/plan/assessments/:year/findings/:finding/citations/new',
    edit,
    wrap(async (req, res) => {
      const { record } = await pageOf(req)
      const findingId = findingOf(req)
      if (!record.findings.some((f) => f.id === findingId)) throw new AssessmentNotFound('finding')
      const a = record.assessment
      renderForm(res, 200, await citationForm(yearSlug(a.year), a.year, a.dataTo, findingId, {}))
    }),
  )

  router.post(
    '/plan/assessments/:year/findings/:finding/citations',
    edit,
    wrap(async (req, res) => {
      const { record } = await pageOf(req)
      const findingId = findingOf(req)
      const a = record.assessment
      const slug = yearSlug(a.year)
      const values = body(req, 'kind', 'kpi', 'crime', 'rank', 'period')
      const outcome = await assessments.addCitation(actor(res), a.year, findingId, values)
      await answer(
        req,
        res,
        outcome,
        { slug, anchor: `#finding-${findingId}`, flash: 'The figure is cited.' },
        async (p, s) => renderForm(res, s, await citationForm(slug, a.year, a.dataTo, findingId, values), p),
      )
    }),
  )

  // ---- Threats ------------------------------------------------------------------------------------------------
  const threatForm = async (slug: string, year: string, values: Record<string, string>) => ({
    title: 'Score a threat or risk',
    caption: `Strategic assessment ${period(year).label}`,
    action: `/plan/assessments/${slug}/threats`,
    submit: 'Add the threat',
    back: `/plan/assessments/${slug}#threats`,
    intro:
      'The score is impact × likelihood, worked out for you, with its band: 1–3 low, 4–6 moderate, 8–12 high, 15–25 extreme.',
    fields: [
      input('title', 'The threat or risk', values),
      textarea('description', 'Description (optional)', values),
      select('priority', 'Strategic priority (optional)', await priorityItems(year, values.priority ?? '')),
      {
        kind: 'radios' as const,
        name: 'impact',
        label: 'Impact',
        items: ratingItems(IMPACT_WORDS, values.impact ?? ''),
        inline: false,
      },
      {
        kind: 'radios' as const,
        name: 'likelihood',
        label: 'Likelihood',
        items: ratingItems(LIKELIHOOD_WORDS, values.likelihood ?? ''),
      },
    ],
  })

  router.get(
    '/plan/assessments/:year/threats/new',
    edit,
    wrap(async (req, res) => {
      const { record } = await pageOf(req)
      renderForm(res, 200, await threatForm(yearSlug(record.assessment.year), record.assessment.year, {}))
    }),
  )

  router.post(
    '/plan/assessments/:year/threats',
    edit,
    wrap(async (req, res) => {
      const { record } = await pageOf(req)
      const a = record.assessment
      const slug = yearSlug(a.year)
      const values = body(req, 'title', 'description', 'priority', 'impact', 'likelihood')
      const outcome = await assessments.addThreat(actor(res), a.year, values)
      await answer(req, res, outcome, { slug, anchor: '#threats', flash: 'The threat is scored.' }, async (p, s) =>
        renderForm(res, s, await threatForm(slug, a.year, values), p),
      )
    }),
  )

  // ---- Recommendations and their adoption ---------------------------------------------------------------------
  const recommendationForm = (slug: string, year: string, values: Record<string, string>) => ({
    title: 'Add a recommendation',
    caption: `Strategic assessment ${period(year).label}`,
    action: `/plan/assessments/${slug}/recommendations`,
    submit: 'Add the recommendation',
    back: `/plan/assessments/${slug}#recommendations`,
    fields: [textarea('text', 'The recommendation', values)],
  })

  router.get(
    '/plan/assessments/:year/recommendations/new',
    edit,
    wrap(async (req, res) => {
      const { record } = await pageOf(req)
      renderForm(res, 200, recommendationForm(yearSlug(record.assessment.year), record.assessment.year, {}))
    }),
  )

  router.post(
    '/plan/assessments/:year/recommendations',
    edit,
    wrap(async (req, res) => {
      const { record } = await pageOf(req)
      const a = record.assessment
      const slug = yearSlug(a.year)
      const values = body(req, 'text')
      const outcome = await assessments.addRecommendation(actor(res), a.year, values)
      await answer(
        req,
        res,
        outcome,
        { slug, anchor: '#recommendations', flash: 'The recommendation is added.' },
        (p, s) => renderForm(res, s, recommendationForm(slug, a.year, values), p),
      )
    }),
  )

  const recommendationOf = async (req: Request) => {
    const page = await pageOf(req)
    const id = idParameter(req.params.recommendation)
    const recommendation = page.record.recommendations.find((r) => r.id === id)
    if (!recommendation) throw new AssessmentNotFound('recommendation')
    return { page, recommendation }
  }

  const adoptForm = async (
    slug: string,
    year: string,
    recommendation: { id: number; text: string },
    values: Record<string, string>,
  ) => ({
    title: 'Adopt as a delivery priority',
    caption: `Strategic assessment ${period(year).label}`,
    action: `/plan/assessments/${slug}/recommendations/${recommendation.id}/adopt`,
    submit: 'Adopt it',
    back: `/plan/assessments/${slug}#recommendations`,
    intro: `The recommendation becomes a delivery priority for ${period(year).label}, under the strategic priority you choose: “${recommendation.text}”`,
    fields: [
      select('priority', 'Strategic priority', [
        { value: '', text: 'Choose a strategic priority' },
        ...(await assessments.prioritiesFor(year)).map((p) => ({
          value: String(p.id),
          text: `${p.name} (${p.strategy})`,
          selected: values.priority === String(p.id),
        })),
      ]),
      input(
        'name',
        'Name of the delivery priority',
        { name: values.name ?? recommendation.text },
        'The recommendation’s words unless you change them.',
      ),
      textarea('description', 'Description (optional)', values),
    ],
  })

  router.get(
    '/plan/assessments/:year/recommendations/:recommendation/adopt',
    edit,
    wrap(async (req, res) => {
      const { page, recommendation } = await recommendationOf(req)
      const year = page.record.assessment.year
      renderForm(res, 200, await adoptForm(yearSlug(year), year, recommendation, {}))
    }),
  )

  router.post(
    '/plan/assessments/:year/recommendations/:recommendation/adopt',
    edit,
    wrap(async (req, res) => {
      const { page, recommendation } = await recommendationOf(req)
      const year = page.record.assessment.year
      const slug = yearSlug(year)
      const values = body(req, 'priority', 'name', 'description')
      const outcome = await assessments.adopt(actor(res), year, recommendation.id, values)
      await answer(
        req,
        res,
        outcome,
        {
          slug,
          anchor: '#recommendations',
          flash: `The recommendation is a delivery priority for ${period(year).label}.`,
        },
        async (p, s) => renderForm(res, s, await adoptForm(slug, year, recommendation, values), p),
      )
    }),
  )

  // ---- Consultation -------------------------------------------------------------------------------------------
  const consultationForm = (slug: string, year: string, values: Record<string, string>) => ({
    title: 'Record consultation',
    caption: `Strategic assessment ${period(year).label}`,
    action: `/plan/assessments/${slug}/consultations`,
    submit: 'Record it',
    back: `/plan/assessments/${slug}#consultation`,
    fields: [
      input('consultee', 'Who was consulted', values, 'For example: Residents’ association of Heath Town'),
      {
        kind: 'radios' as const,
        name: 'consulteeKind',
        label: 'Who they are',
        items: Object.entries(CONSULTEE_KINDS).map(([value, text]) => ({
          value,
          text,
          checked: values.consulteeKind === value,
        })),
      },
      input(
        'heldFrom',
        'When (the date, or the first day)',
        values,
        'YYYY-MM-DD, for example 2018-01-15',
        'govuk-input--width-10',
      ),
      input('heldTo', 'Last day, if it ran over several (optional)', values, 'YYYY-MM-DD', 'govuk-input--width-10'),
      {
        kind: 'radios' as const,
        name: 'method',
        label: 'How',
        items: Object.entries(CONSULTATION_METHODS).map(([value, text]) => ({
          value,
          text,
          checked: values.method === value,
        })),
      },
      textarea('whatWasSaid', 'What was said', values),
      textarea('response', 'How the partnership answered it (optional)', values),
    ],
  })

  router.get(
    '/plan/assessments/:year/consultations/new',
    edit,
    wrap(async (req, res) => {
      const { record } = await pageOf(req)
      renderForm(res, 200, consultationForm(yearSlug(record.assessment.year), record.assessment.year, {}))
    }),
  )

  router.post(
    '/plan/assessments/:year/consultations',
    edit,
    wrap(async (req, res) => {
      const { record } = await pageOf(req)
      const a = record.assessment
      const slug = yearSlug(a.year)
      const values = body(req, 'consultee', 'consulteeKind', 'heldFrom', 'heldTo', 'method', 'whatWasSaid', 'response')
      const outcome = await assessments.addConsultation(actor(res), a.year, values)
      await answer(
        req,
        res,
        outcome,
        { slug, anchor: '#consultation', flash: 'The consultation is recorded.' },
        (p, s) => renderForm(res, s, consultationForm(slug, a.year, values), p),
      )
    }),
  )

  // ---- Making it final ----------------------------------------------------------------------------------------
  const finalForm = (slug: string, year: string) => ({
    title: 'Make the assessment final',
    caption: `Strategic assessment ${period(year).label}`,
    action: `/plan/assessments/${slug}/final`,
    submit: 'Make it final',
    back: `/plan/assessments/${slug}`,
    warning:
      'A final assessment cannot be changed. Every cited figure is kept as it is now; if a later import changes ' +
      'one, the page shows the new figure beside the kept one.',
    fields: [
      {
        kind: 'checkboxes' as const,
        name: 'confirm',
        label: 'Confirm',
        items: [{ value: 'yes', text: 'The partnership has agreed this assessment: make it final' }],
      },
    ],
  })

  router.get(
    '/plan/assessments/:year/final',
    edit,
    wrap(async (req, res) => {
      const { record } = await pageOf(req)
      renderForm(res, 200, finalForm(yearSlug(record.assessment.year), record.assessment.year))
    }),
  )

  router.post(
    '/plan/assessments/:year/final',
    edit,
    wrap(async (req, res) => {
      const year = assessmentYear(String(req.params.year))
      if (year === null) throw new AssessmentNotFound('assessment')
      const outcome = await assessments.makeFinal(actor(res), year, body(req, 'confirm'))
      await answer(req, res, outcome, { slug: yearSlug(year), anchor: '', flash: 'The assessment is final.' }, (p, s) =>
        renderForm(res, s, finalForm(yearSlug(year), year), p),
      )
    }),
  )

  return router
}

export type FormFieldSpec =
  | { kind: 'input'; name: string; label: string; value: string; hint?: string; classes?: string }
  | { kind: 'textarea'; name: string; label: string; value: string; hint?: string }
  | {
      kind: 'select'
      name: string
      label: string
      hint?: string
      items: readonly { value: string; text: string; selected?: boolean }[]
    }
  | {
      kind: 'radios' | 'checkboxes'
      name: string
      label: string
      hint?: string
      inline?: boolean
      items: readonly { value: string; text: string; checked?: boolean }[]
    }

function input(
  name: string,
  label: string,
  values: Record<string, string>,
  hint?: string,
  classes?: string,
): FormFieldSpec {
  return {
    kind: 'input',
    name,
    label,
    value: values[name] ?? '',
    ...(hint === undefined ? {} : { hint }),
    ...(classes === undefined ? {} : { classes }),
  }
}

function textarea(name: string, label: string, values: Record<string, string>): FormFieldSpec {
  return { kind: 'textarea', name, label, value: values[name] ?? '' }
}

function select(
  name: string,
  label: string,
  items: readonly { value: string; text: string; selected?: boolean }[],
  hint?: string,
): FormFieldSpec {
  return { kind: 'select', name, label, items, ...(hint === undefined ? {} : { hint }) }
}
