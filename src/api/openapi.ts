/**
 * The API's OpenAPI 3.1 description, written by hand next to the routes (src/api/routes.ts) it describes; a
 * test checks that every `/api` route in the route manifest is in it, and nothing else.
 */
export function openApiDocument(): Record<string, unknown> {
  const problem = { $ref: '#/components/responses/Problem' }
  const idParameter = {
    name: 'id',
    in: 'path',
    required: true,
    schema: { type: 'string' },
    description: 'Indicator id',
  }
  const periodParameter = {
    name: 'period',
    in: 'path',
    required: true,
    schema: { type: 'string', examples: ['FY2017-18-Q1', '2018-01', 'FY2017-18-B6', 'FY2017-18'] },
    description:
      'Period id: a financial year, quarter, bi-month or month. A figure is sent for a period of the indicator’s ' +
      'cadence: a quarter (FY2017-18-Q1) for a quarterly indicator, a calendar month (2018-01) for a monthly one, a ' +
      'two-month period (FY2017-18-B1 is April–May) for a bi-monthly one, the financial year (FY2017-18) for an ' +
      'annual one.',
  }
  const quarterParameter = {
    name: 'quarter',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: '^FY\\d{4}-\\d{2}-Q[1-4]$', examples: ['FY2018-19-Q2'] },
    description: 'The financial quarter of the return: FY2018-19-Q2 is July to September 2018',
  }
  const agencyParameter = {
    name: 'agency',
    in: 'path',
    required: true,
    schema: { type: 'string', examples: ['PH', 'WMP'] },
    description: 'The agency’s code (an agency’s token may only name its own)',
  }
  const returnExample = {
    quarter: 'FY2018-19-Q2',
    label: '2018/19 Q2',
    agency: { code: 'PH', name: 'Public Health' },
    dueDate: '2018-10-28',
    status: 'draft',
    version: 1,
    locked: false,
    submittedAt: null,
    submittedBy: null,
    reviewComment: null,
    nextDue: null,
    indicators: [
      {
        indicator: 'cj-clients-in-treatment-opiate',
        name: 'CJ clients in treatment (opiate)',
        cadence: 'monthly',
        measureType: 'count-with-share',
        figures: ['value', 'numerator', 'percent'],
        periods: [
          {
            period: '2018-07',
            label: 'July 2018',
            lastYear: { period: '2017-07', shown: 'Not yet available' },
            item: {
              status: 'reported',
              value: 36,
              numerator: null,
              denominator: null,
              percent: 23,
              text: null,
              reason: null,
              commentary: null,
              warning: null,
              confirmed: false,
              confirmedBy: null,
              confirmedAt: null,
            },
          },
        ],
      },
    ],
  }
  const readResponses = (schema: unknown) => ({
    '200': { description: 'OK', content: { 'application/json': { schema } } },
    '401': problem,
    '403': problem,
    '404': problem,
  })
  const nullableNumber = { type: ['number', 'null'] }
  const nullableString = (maxLength: number) => ({ type: ['string', 'null'], maxLength })
  return {
    openapi: '3.1.0',
    info: {
      title: 'saferhub API',
      version: '1',
      description:
        'Read the partnership’s KPIs, their figures and the performance report. Agencies’ systems read and send ' +
        'their quarterly return with an API token bound to their agency (/api/returns/{quarter}/{agency}): the ' +
        'same rules as the return page, and the partnership analyst reviews a submitted return before its figures ' +
        'become the partnership’s. Analysts and administrators may also write a single figure directly. Errors are ' +
        'application/problem+json (RFC 9457).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    paths: {
      '/api/openapi.json': {
        get: {
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'The OpenAPI document', content: { 'application/json': {} } } },
        },
      },
      '/api/indicators': {
        get: {
          summary: 'Every indicator (KPI), in report order',
          responses: readResponses({
            type: 'object',
            properties: { indicators: { type: 'array', items: { $ref: '#/components/schemas/Indicator' } } },
          }),
        },
      },
      '/api/indicators/{id}': {
        get: {
          summary: 'One indicator',
          parameters: [idParameter],
          responses: readResponses({ $ref: '#/components/schemas/Indicator' }),
        },
      },
      '/api/indicators/{id}/values': {
        get: {
          summary: 'An indicator’s figures, earliest period first',
          parameters: [
            idParameter,
            { name: 'year', in: 'query', required: false, schema: { type: 'string', examples: ['2017-18'] } },
          ],
          responses: readResponses({
            type: 'object',
            properties: { indicatorId: { type: 'string' }, values: { type: 'array', items: { type: 'object' } } },
          }),
        },
      },
      '/api/indicators/{id}/values/{period}': {
        get: {
          summary: 'One figure with its version (also in the ETag header)',
          parameters: [idParameter, periodParameter],
          responses: readResponses({ $ref: '#/components/schemas/StoredValue' }),
        },
        put: {
          summary: 'Write or correct a figure directly (analysts and administrators)',
          description:
            'For partnership analysts and administrators (the permission an import needs): the figure becomes the ' +
            'partnership’s at once, as an import’s would. An agency’s API token or a data owner is refused with 403, ' +
            'whose returnsEndpoint is the quarterly return to send the figure in instead (PUT /api/returns/{quarter}/' +
            '{agency}), so that the analyst reviews it first. ' +
            'Checked with the same rules as an import and a quarterly return, including that the period is of the ' +
            'indicator’s cadence (422 otherwise): one request per indicator per period, so a monthly indicator’s ' +
            'quarter is three requests, one per month. To replace an existing figure send If-Match with the version ' +
            'you read (409 with the current version when it has changed; 428 without If-Match). Sending the figure ' +
            'exactly as stored changes nothing and answers 200 with it, whatever the version. Send an ' +
            'Idempotency-Key to make a retry safe: a repeated request returns the first answer without writing ' +
            'again. A figure belongs to the quarter its period ends in (June–July is Q2’s, a financial year Q4’s); ' +
            'once the board has signed that quarter off, the figure is locked (423, with lockedQuarter).',
          parameters: [
            idParameter,
            periodParameter,
            { name: 'If-Match', in: 'header', required: false, schema: { type: 'string', examples: ['"3"'] } },
            { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ValueInput' } } },
          },
          responses: {
            '200': {
              description: 'Updated (or unchanged)',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/StoredValue' } } },
            },
            '201': {
              description: 'Created',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/StoredValue' } } },
            },
            '400': problem,
            '401': problem,
            '403': problem,
            '404': problem,
            '409': problem,
            '415': problem,
            '422': problem,
            '423': problem,
            '428': problem,
          },
        },
      },
      '/api/returns/{quarter}/{agency}': {
        get: {
          summary: 'An agency’s return for a quarter, as the return page shows it',
          description:
            'Due date, state, version (also the ETag), review comment and, for each KPI the agency owns, each period ' +
            'the return asks for (a quarterly KPI’s quarter; a monthly KPI’s three months; the two-month periods ' +
            'ending in the quarter; the financial year in Q4) with the item saved for it and the same period last ' +
            'year. An agency’s token or data owner may read only their own agency’s return: another agency’s is 404.',
          parameters: [quarterParameter, agencyParameter],
          responses: {
            '200': {
              description: 'The return (status "not-started" and version null before anything is saved)',
              headers: {
                ETag: {
                  description: 'The version, e.g. "3"; "0" before the first save. Send it back as If-Match.',
                  schema: { type: 'string' },
                },
              },
              content: {
                'application/json': {
                  schema: { $ref: '#/components/schemas/Return' },
                  examples: { draft: { value: returnExample } },
                },
              },
            },
            '401': problem,
            '403': problem,
            '404': problem,
          },
        },
        put: {
          summary: 'Save a draft of, or submit, an agency’s return for a quarter',
          description:
            'The whole return: a KPI and period left out is blank (a draft may leave it for later; a submission may ' +
            'not). Each item is checked with the rules of an import and of the return page (422 naming the item, ' +
            'KPI, period and field). A figure far from the KPI’s own history gets a warning: it is saved in a draft, ' +
            'and a submission is refused (422 with field "confirmed") until the item is sent with "confirmed": true, ' +
            'which is recorded with who confirmed it. Items for a KPI or period the return does not ask for are 422. ' +
            'Send If-Match with the version you read (428 without it once the return exists; 409 with the current ' +
            'return when it has changed). An accepted return cannot change (409); a signed-off quarter is locked ' +
            '(423). An Idempotency-Key makes a retry safe: a repeated request gets the first answer, not a second ' +
            'save. A submitted return waits for the partnership analyst, who accepts it (its figures become the ' +
            'partnership’s) or sends it back with a comment.',
          parameters: [
            quarterParameter,
            agencyParameter,
            {
              name: 'If-Match',
              in: 'header',
              required: false,
              description: 'The version (ETag) you read; "0" or left out only when the return does not exist yet',
              schema: { type: 'string', examples: ['"3"'] },
            },
            { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { $ref: '#/components/schemas/ReturnInput' },
                examples: {
                  submit: {
                    summary: 'A monthly KPI’s three months and a quarterly KPI, submitted',
                    value: {
                      intent: 'submit',
                      items: [
                        { indicator: 'cj-clients-in-treatment-opiate', period: '2018-07', value: 36, percent: 23 },
                        { indicator: 'cj-clients-in-treatment-opiate', period: '2018-08', value: 34, percent: 22 },
                        {
                          indicator: 'cj-clients-in-treatment-opiate',
                          period: '2018-09',
                          status: 'not-yet-available',
                          reason: 'The treatment system’s September extract is late',
                        },
                        {
                          indicator: 'first-time-entrants',
                          period: 'FY2018-19-Q2',
                          value: 95,
                          confirmed: true,
                          commentary: 'A new diversion scheme ended in June',
                        },
                      ],
                    },
                  },
                },
              },
            },
          },
          responses: {
            '200': {
              description: 'Saved (the return as it now stands)',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Return' } } },
            },
            '201': {
              description: 'The return was started',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Return' } } },
            },
            '400': problem,
            '401': problem,
            '403': problem,
            '404': problem,
            '409': problem,
            '413': problem,
            '415': problem,
            '422': problem,
            '423': problem,
            '428': problem,
          },
        },
      },
      '/api/reports/performance/{year}': {
        get: {
          summary: 'The performance report of a financial year (the same JSON as the report download)',
          parameters: [{ name: 'year', in: 'path', required: true, schema: { type: 'string', examples: ['2017-18'] } }],
          responses: readResponses({ type: 'object' }),
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token issued by an administrator (shub_…)' },
        session: { type: 'apiKey', in: 'cookie', name: 'saferhub.sid', description: 'A signed-in browser session' },
      },
      responses: {
        Problem: {
          description: 'A problem (RFC 9457)',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  pointer: { type: 'string', description: 'JSON Pointer into the request body, e.g. /items/2/value' },
                  detail: { type: 'string' },
                  indicator: { type: 'string', description: 'Returns: the KPI the problem is about' },
                  period: { type: 'string', description: 'Returns: the period' },
                  field: { type: 'string', description: 'Returns: the item’s field (value, status, confirmed, …)' },
                },
              },
            },
            warnings: {
              type: 'array',
              description: 'Returns: figures that look unusual for their KPI',
              items: {
                type: 'object',
                properties: { indicator: { type: 'string' }, period: { type: 'string' }, warning: { type: 'string' } },
              },
            },
            currentVersion: { type: 'integer' },
            current: { description: 'With 409 and 428: the figure or return as it now stands' },
            returnsEndpoint: {
              type: 'string',
              description: 'With 403 to an agency writing a figure directly: the return to send it in',
            },
            lockedQuarter: { type: 'string', description: 'With 423: the signed-off quarter, e.g. FY2017-18-Q1' },
          },
        },
        Indicator: {
          type: 'object',
          required: ['id', 'name', 'theme', 'priority', 'dataOwner', 'cadence', 'measureType'],
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            theme: { type: 'string' },
            priority: { type: 'string' },
            definition: { type: 'string' },
            dataOwner: { type: 'string' },
            agency: { type: ['string', 'null'], description: 'The code of the agency that owns its figures' },
            cadence: { type: 'string' },
            measureType: { type: 'string' },
            preferredDirection: { type: 'string' },
            hiddenHarm: { type: 'boolean' },
          },
        },
        ValueInput: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: {
              type: 'string',
              enum: ['reported', 'not-yet-available', 'not-collected', 'not-applicable', 'suppressed'],
            },
            value: nullableNumber,
            numerator: nullableNumber,
            denominator: nullableNumber,
            percent: nullableNumber,
            text: nullableString(1000),
            reason: nullableString(500),
            commentary: nullableString(5000),
          },
        },
        ReturnItemInput: {
          type: 'object',
          additionalProperties: false,
          required: ['indicator', 'period'],
          properties: {
            indicator: { type: 'string', description: 'The KPI’s id' },
            period: { type: 'string', description: 'One of the periods the return asks for (see GET)' },
            status: {
              type: 'string',
              enum: ['reported', 'not-yet-available', 'not-collected', 'not-applicable', 'suppressed'],
              description: 'Leave out (or "reported") with a figure; otherwise why there is none, with a reason',
            },
            value: nullableNumber,
            numerator: nullableNumber,
            denominator: nullableNumber,
            percent: nullableNumber,
            text: nullableString(1000),
            reason: nullableString(500),
            commentary: nullableString(5000),
            confirmed: {
              type: 'boolean',
              description: 'I have checked this figure and it is right (needed to submit a figure with a warning)',
            },
          },
        },
        ReturnInput: {
          type: 'object',
          additionalProperties: false,
          required: ['intent', 'items'],
          properties: {
            intent: { type: 'string', enum: ['save', 'submit'], description: 'Save a draft, or submit for review' },
            items: { type: 'array', maxItems: 2000, items: { $ref: '#/components/schemas/ReturnItemInput' } },
          },
        },
        Return: {
          type: 'object',
          properties: {
            quarter: { type: 'string' },
            label: { type: 'string' },
            agency: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
            dueDate: { type: 'string', format: 'date' },
            status: { type: 'string', enum: ['not-started', 'draft', 'submitted', 'accepted', 'sent-back'] },
            version: { type: ['integer', 'null'] },
            locked: { type: 'boolean', description: 'The board has signed the quarter off' },
            submittedAt: { type: ['string', 'null'], format: 'date-time' },
            submittedBy: { type: ['string', 'null'] },
            reviewComment: { type: ['string', 'null'], description: 'Why the analyst sent it back' },
            nextDue: { type: ['string', 'null'], description: 'When nothing is due this quarter: the next quarter' },
            indicators: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  indicator: { type: 'string' },
                  name: { type: 'string' },
                  cadence: { type: 'string' },
                  measureType: { type: 'string' },
                  figures: { type: 'array', items: { type: 'string' }, description: 'The figure fields it takes' },
                  periods: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        period: { type: 'string' },
                        label: { type: 'string' },
                        lastYear: {
                          type: 'object',
                          properties: { period: { type: 'string' }, shown: { type: 'string' } },
                        },
                        item: {
                          oneOf: [{ $ref: '#/components/schemas/ReturnItem' }, { type: 'null' }],
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        ReturnItem: {
          type: 'object',
          properties: {
            status: { type: 'string' },
            value: nullableNumber,
            numerator: nullableNumber,
            denominator: nullableNumber,
            percent: nullableNumber,
            text: { type: ['string', 'null'] },
            reason: { type: ['string', 'null'] },
            commentary: { type: ['string', 'null'] },
            warning: { type: ['string', 'null'], description: 'Why the figure looked unusual' },
            confirmed: { type: 'boolean' },
            confirmedBy: { type: ['string', 'null'] },
            confirmedAt: { type: ['string', 'null'], format: 'date-time' },
          },
        },
        StoredValue: {
          type: 'object',
          properties: {
            indicatorId: { type: 'string' },
            period: { type: 'string' },
            status: { type: 'string' },
            value: nullableNumber,
            numerator: nullableNumber,
            denominator: nullableNumber,
            percent: nullableNumber,
            text: { type: ['string', 'null'] },
            reason: { type: ['string', 'null'] },
            commentary: { type: ['string', 'null'] },
            version: { type: 'integer' },
            updatedAt: { type: 'string', format: 'date-time' },
            updatedBy: { type: 'string' },
          },
        },
      },
    },
  }
}
