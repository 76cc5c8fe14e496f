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
        'Read the partnership’s KPIs, their figures and the performance report; agencies’ systems send their ' +
        'figures with an API token bound to their agency. Errors are application/problem+json (RFC 9457).',
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
          summary: 'Send or correct a figure (an agency’s own indicators only)',
          description:
            'Checked with the same rules as an import and a quarterly return, including that the period is of the ' +
            'indicator’s cadence (422 otherwise): one request per indicator per period, so a monthly indicator’s ' +
            'quarter is three requests, one per month. To replace an existing figure send If-Match with the version ' +
            'you read (409 with the current version when it has changed; 428 without If-Match). Send an ' +
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
              items: { type: 'object', properties: { pointer: { type: 'string' }, detail: { type: 'string' } } },
            },
            currentVersion: { type: 'integer' },
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
