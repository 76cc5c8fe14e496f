import type express from 'express'

/** A route as Express holds it: the method and the full pattern (mount paths joined). */
export interface DeclaredRoute {
  readonly method: string
  readonly path: string
}

interface LayerLike {
  readonly route?: { readonly path: unknown; readonly methods: Record<string, boolean> }
  readonly handle?: { readonly stack?: readonly LayerLike[] }
  readonly rawPath?: unknown
}

function joinPaths(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/{2,}/g, '/')
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined
}

function patternOf(value: unknown): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.map(patternOf).join('|')
  return String(value)
}

/**
 * Every route an Express 5 application declares, read from its router stack (routers mounted with `app.use`,
 * at any depth, included). The authorisation-matrix test compares this with the route manifest, so that a route
 * nobody listed (and so nobody checked) fails the build.
 */
export function declaredRoutes(app: express.Express): DeclaredRoute[] {
  const routes: DeclaredRoute[] = []
  const walk = (stack: readonly LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = joinPaths(prefix, patternOf(layer.route.path))
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') routes.push({ method: method.toUpperCase(), path })
        }
      } else if (layer.handle?.stack) {
        const mount = layer.rawPath === undefined ? '/' : patternOf(layer.rawPath)
        walk(layer.handle.stack, joinPaths(prefix, mount))
      }
    }
  }
  const router = (app as unknown as { router: { stack: readonly LayerLike[] } }).router
  walk(router.stack, '')
  return routes
}
