/**
 * A tiny browser for tests of the web application: keeps cookies, never follows redirects, and can sign in
 * through the real sign-in form (CSRF token and all). Used by the accounts' tests; other features' web tests
 * can sign in with it too, e.g. as a demo user:
 *
 *   const browser = new TestBrowser(baseUrl)
 *   await browser.signIn('viewer@example.org', 'pebble-summit-falcon')
 *   const response = await browser.get('/')
 */
/** A response whose body has been read in full. */
export interface TestResponse {
  readonly status: number
  readonly headers: Headers
  text(): Promise<string>
}

export class TestBrowser {
  readonly baseUrl: string
  readonly cookies = new Map<string, string>()
  /** Extra headers sent with every request (e.g. X-Forwarded-For). */
  headers: Record<string, string> = {}

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  async request(path: string, init: RequestInit = {}): Promise<TestResponse> {
    const headers = new Headers(init.headers)
    for (const [name, value] of Object.entries(this.headers)) if (!headers.has(name)) headers.set(name, value)
    if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader())
    const response = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = /;\s*expires=Thu, 01 Jan 1970/i.test(line) || /;\s*max-age=0/i.test(line)
      if (expired || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    // Read the whole body before going on, as a browser does: the server finishes its session write before the
    // last byte, so a test that moves the clock next cannot overtake it.
    const body = await response.text()
    return { status: response.status, headers: response.headers, text: async () => body }
  }

  get(path: string, headers: Record<string, string> = {}): Promise<TestResponse> {
    return this.request(path, { headers })
  }

  /** Posts a url-encoded form. */
  post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<TestResponse> {
    return this.request(path, {
      method: 'POST',
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    })
  }

  /** The CSRF token of the form on a page (fetched with GET). */
  async csrfTokenOf(path: string): Promise<string> {
    const html = await (await this.get(path)).text()
    const match = /name="_csrf" value="([0-9a-f]+)"/.exec(html)
    if (!match?.[1]) throw new Error(`No CSRF token on ${path}`)
    return match[1]
  }

  /** Signs in through the form; returns the response to the POST (303 on success). */
  async signIn(email: string, password: string): Promise<TestResponse> {
    const token = await this.csrfTokenOf('/sign-in')
    return this.post('/sign-in', { _csrf: token, email, password, returnTo: '/' })
  }
}
