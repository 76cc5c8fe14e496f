import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import express, { type Response } from 'express'
import helmet from 'helmet'

/**
 * Security headers for every response (OWASP ASVS 5.0 chapter 3.4):
 * - a Content-Security-Policy with a fresh nonce per request: scripts only from this origin or inline with the
 *   nonce (govuk-frontend's initialiser), no plugins, no `<base>`, no framing, forms only back to this origin;
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`, `Cross-Origin-Opener-Policy: same-origin`;
 * - `Cache-Control: no-store` on everything dynamic (static assets set their own caching before this runs).
 * HSTS is sent only in production, where the service sits behind TLS.
 */
/**
 * Random bytes for nonces, drawn from the operating system's generator 4 KB at a time: a call for 16 bytes on
 * every response was 2.3% of a dashboard view's processor time (CPU profile, `npm run bench:web`). Each nonce takes
 * bytes no other nonce had, so they are as unpredictable as before.
 */
let nonceBytes = Buffer.alloc(0)
let nonceOffset = 0
const NONCE_BYTES = 16

/** 16 random bytes in base64, never given before. */
export function freshNonce(): string {
  if (nonceOffset + NONCE_BYTES > nonceBytes.length) {
    nonceBytes = randomBytes(256 * NONCE_BYTES)
    nonceOffset = 0
  }
  const nonce = nonceBytes.toString('base64', nonceOffset, nonceOffset + NONCE_BYTES)
  nonceOffset += NONCE_BYTES
  return nonce
}

export function setUpWebSecurity(options: { production: boolean }): express.Router {
  const router = express.Router()
  router.use((_req, res, next) => {
    res.locals.cspNonce = freshNonce()
    next()
  })
  const nonce = (_req: IncomingMessage, res: ServerResponse) => `'nonce-${(res as Response).locals.cspNonce as string}'`
  router.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", nonce],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          ...(options.production ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      referrerPolicy: { policy: 'same-origin' },
      crossOriginOpenerPolicy: { policy: 'same-origin' },
      crossOriginResourcePolicy: { policy: 'same-origin' },
      strictTransportSecurity: options.production ? { maxAge: 31536000, includeSubDomains: true } : false,
    }),
  )
  return router
}

/** `Cache-Control: no-store` for every dynamic response: pages and downloads may hold restricted figures. */
export function noStore(): express.RequestHandler {
  return (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store')
    next()
  }
}
