import { createHash } from 'node:crypto'
import type { Response } from 'express'
import type { Principal } from '../accounts/permissions.ts'
import { canonicalJson } from '../audit/canonical-json.ts'

/** Who is calling: an agency's system (bearer token) or a signed-in person (session cookie). */
export interface ApiCaller {
  readonly kind: 'token' | 'session'
  /** A token acts as a data owner of its agency; a person as themselves. */
  readonly principal: Principal
  /** For the audit trail: the person's email, or `api-token:<id> (<agency code>)`. */
  readonly actor: string
  /** For idempotency keys: a key is only ever matched for the same caller. */
  readonly client: string
  /** The caller's own agency (a token's, or a data owner's), if any: for pointing them to their return. */
  readonly agencyCode: string | null
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by the API's authentication for API routes. */
      apiCaller?: ApiCaller
    }
  }
}

/** The caller the API's authentication found (it runs before every API route). */
export function caller(res: Response): ApiCaller {
  const found = res.locals.apiCaller
  if (!found) throw new Error('the API authentication runs before every API route')
  return found
}

/** `If-Match: "3"`, `3` or `W/"3"` → 3; absent → undefined; anything else → null. */
export function parseIfMatch(header: string | undefined): number | null | undefined {
  if (header === undefined) return undefined
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header)
  return match?.[1] ? Number(match[1]) : null
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/

/** The `Idempotency-Key` header: absent → undefined; 1 to 200 printable ASCII characters → the key; else null. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | null | undefined {
  if (header === undefined) return undefined
  return typeof header === 'string' && IDEMPOTENCY_KEY.test(header) ? header : null
}

/**
 * A digest of what a request asks (its path, body and If-Match), stored with its idempotency key: the same key
 * with a different request is refused rather than answered with the first request's answer.
 */
export function requestDigest(path: string, body: unknown, ifMatch: number | undefined): string {
  return createHash('sha256')
    .update(canonicalJson({ path, body, ifMatch: ifMatch ?? null }))
    .digest('hex')
}
