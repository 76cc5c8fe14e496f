import os from 'node:os'
import path from 'node:path'

/**
 * All configuration, read once from the environment. Every variable has a development default except
 * those that must be set in production (a missing one stops the start-up rather than running insecurely).
 */
export interface Config {
  /** `PORT`: the web server's port. Default 3000. */
  readonly port: number
  /** `HOST`: the address to listen on. Default 127.0.0.1 (loopback; set 0.0.0.0 behind a proxy). */
  readonly host: string
  /** `DATABASE_URL`: a PostgreSQL connection string for a shared deployment. Unset: the embedded SQLite database. */
  readonly databaseUrl: string | null
  /** `SAFERHUB_DATA_DIR`: where the embedded database and uploads live. Default `./data`. */
  readonly dataDirectory: string
  /** `SAFERHUB_PARTNERSHIP`: the partnership's name, shown in the header. Default "Safer Wolverhampton Partnership". */
  readonly partnershipName: string
  /** `SAFERHUB_DEMO`: fill an empty database with the demo data on first start ("true" unless NODE_ENV=production). */
  readonly loadDemoData: boolean
  /** `SESSION_SECRET`: signs session cookies. Required in production. */
  readonly sessionSecret: string
  /** `NODE_ENV`. */
  readonly production: boolean
  /** `TRUST_PROXY`: the proxy hops to trust for the client address (Express `trust proxy`). Default: none. */
  readonly trustProxy: number
  /**
   * `SAFERHUB_RELOAD_TEMPLATES`: re-read page templates on every request, for editing them while the server runs.
   * Off by default, development included: compiling templates per request cost about 10 ms a page (bench:web).
   */
  readonly reloadTemplates: boolean
  /**
   * `SAFERHUB_PROCESSES`: how many processes serve the web application, sharing its port (`saferhub serve`): a whole
   * number, or `auto` for one per processor core. Default 1. Node.js runs a process's JavaScript on one core; a second
   * process on a 2-core machine took the dashboard from about 1,300 to 2,100 requests a second at 50 clients
   * (`npm run bench:web`). Every process shares the database, the sessions and the uploads, as separate servers do.
   */
  readonly processes?: number
  // The accounts settings below are optional only so that a test's hand-made Config need not list them.
  /** `SESSION_IDLE_MINUTES`: a signed-in session unused for this long ends. Default 30. */
  readonly sessionIdleMinutes?: number
  /** `SESSION_ABSOLUTE_HOURS`: a session ends this long after sign-in, however much it is used. Default 12. */
  readonly sessionAbsoluteHours?: number
  /**
   * `SAFERHUB_ADMIN_EMAIL`: the email of the administrator created on first start (when there are no users);
   * their one-time password is printed to the console. Default `admin@localhost`.
   */
  readonly firstAdministratorEmail?: string
  /**
   * `SAFERHUB_SERVED_PARTNERSHIPS`: the partnerships whose police.uk crime counts are also kept by LSOA (for maps and
   * ward views): ONS codes or names, comma-separated, or `all` / `none`. Unset (null): the partnership named in
   * `SAFERHUB_PARTNERSHIP` ("Safer Wolverhampton Partnership" → Wolverhampton), if any.
   */
  readonly servedPartnerships?: readonly string[] | null
  /**
   * `SAFERHUB_SDC_MINIMUM_COUNT`: on public pages and downloads, counts from 1 up to one less than this are withheld
   * ("<5"), with secondary suppression so that they cannot be worked back. A whole number, at least 1. Default 5.
   */
  readonly sdcMinimumCount?: number
  /**
   * `SAFERHUB_RETURNS_DUE_DAYS`: quarterly returns are due this many days after the quarter ends (a date in
   * Europe/London). A whole number, at least 1. Default 28.
   */
  readonly returnsDueDays?: number
  /**
   * `SAFERHUB_TWO_STEP`: who must use two-step sign-in (an authenticator app): `required` (everyone; the default),
   * `administrators` (administrators and partnership analysts) or `optional`. Default `optional` when the demo is on
   * (`SAFERHUB_DEMO=true`) outside production, so that the demo users sign in with the README's passwords alone.
   * Absent from a hand-made Config: treated as `required`.
   */
  readonly twoStepPolicy?: TwoStepPolicy
  /**
   * `SAFERHUB_LOCK_WAIT_SECONDS`: SQLite only. How long a write waits for another process's write lock (a
   * command-line import) before it is refused as busy (503 on the web); the wait never stops other requests.
   * Default 5.
   */
  readonly lockWaitSeconds?: number
  /**
   * `SAFERHUB_CASE_KEY`: the key (base64 of 32 bytes) that encrypts the death review register's free text
   * (src/reviews/case-text-cipher.ts). Unset: the key file `caseKeyFile`. Never stored in the database.
   */
  readonly caseKey?: string | null
  /**
   * The register's key file when `SAFERHUB_CASE_KEY` is unset: `<data dir>/case-register.key`, made (mode 0600) on
   * first use outside production. Null in tests given no data directory: a key for the process alone.
   */
  readonly caseKeyFile?: string | null
}

/**
 * Who must use two-step sign-in (`SAFERHUB_TWO_STEP`; src/accounts/two-step/two-step-policy.ts applies it):
 * - `required`: everybody; a user without it sets it up at their next sign-in, before anything else;
 * - `administrators`: administrators and partnership analysts (who can change accounts, every agency's figures and
 *   the published report); everybody else may turn it on;
 * - `optional`: anybody may turn it on, nobody must (the demo, whose users sign in with the README's passwords).
 */
export const twoStepPolicies = ['required', 'administrators', 'optional'] as const

export type TwoStepPolicy = (typeof twoStepPolicies)[number]

export function isTwoStepPolicy(value: string): value is TwoStepPolicy {
  return (twoStepPolicies as readonly string[]).includes(value)
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production'
  const required = (name: string, developmentDefault: string): string => {
    const value = env[name]
    if (value) return value
    if (production) throw new Error(`${name} must be set when NODE_ENV=production`)
    return developmentDefault
  }
  const port = Number(env.PORT ?? '3000')
  const loadDemoData = (env.SAFERHUB_DEMO ?? (production ? 'false' : 'true')) === 'true'
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not "${env.PORT}"`)
  return Object.freeze({
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || null,
    dataDirectory: path.resolve(env.SAFERHUB_DATA_DIR ?? 'data'),
    partnershipName: env.SAFERHUB_PARTNERSHIP ?? 'Safer Wolverhampton Partnership',
    loadDemoData,
    sessionSecret: required('SESSION_SECRET', 'development-only-session-secret-change-me'),
    production,
    trustProxy: Number(env.TRUST_PROXY ?? '0'),
    reloadTemplates: env.SAFERHUB_RELOAD_TEMPLATES === 'true',
    processes: processesSetting(env),
    sessionIdleMinutes: positiveNumber(env, 'SESSION_IDLE_MINUTES', 30),
    sessionAbsoluteHours: positiveNumber(env, 'SESSION_ABSOLUTE_HOURS', 12),
    firstAdministratorEmail: env.SAFERHUB_ADMIN_EMAIL ?? 'admin@localhost',
    servedPartnerships: env.SAFERHUB_SERVED_PARTNERSHIPS
      ? Object.freeze(env.SAFERHUB_SERVED_PARTNERSHIPS.split(',').map((item) => item.trim()))
      : null,
    sdcMinimumCount: wholeNumber(env, 'SAFERHUB_SDC_MINIMUM_COUNT', 5),
    returnsDueDays: wholeNumber(env, 'SAFERHUB_RETURNS_DUE_DAYS', 28),
    // The demo accounts (public passwords) exist only outside production, and so does the demo's default.
    twoStepPolicy: twoStepPolicySetting(env, loadDemoData && !production),
    lockWaitSeconds: positiveNumber(env, 'SAFERHUB_LOCK_WAIT_SECONDS', 5),
    caseKey: env.SAFERHUB_CASE_KEY || null,
    caseKeyFile:
      env.NODE_ENV === 'test' && !env.SAFERHUB_DATA_DIR
        ? null
        : path.join(path.resolve(env.SAFERHUB_DATA_DIR ?? 'data'), 'case-register.key'),
  })
}

function twoStepPolicySetting(env: NodeJS.ProcessEnv, demo: boolean): TwoStepPolicy {
  const text = env.SAFERHUB_TWO_STEP
  if (text === undefined || text === '') return demo ? 'optional' : 'required'
  if (!isTwoStepPolicy(text)) {
    throw new Error(`SAFERHUB_TWO_STEP must be ${twoStepPolicies.join(', ')} or unset, not "${text}"`)
  }
  return text
}

/** The most `SAFERHUB_PROCESSES` may ask for: each process holds its own caches (tens of MB at least). */
const MAXIMUM_PROCESSES = 64

function processesSetting(env: NodeJS.ProcessEnv): number {
  const text = env.SAFERHUB_PROCESSES
  if (text === 'auto') return Math.min(os.availableParallelism(), MAXIMUM_PROCESSES)
  const value = wholeNumber(env, 'SAFERHUB_PROCESSES', 1)
  if (value > MAXIMUM_PROCESSES)
    throw new Error(`SAFERHUB_PROCESSES must be at most ${MAXIMUM_PROCESSES} (or "auto"), not "${text}"`)
  return value
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number of at least 1, not "${text}"`)
  return value
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${text}"`)
  return value
}
