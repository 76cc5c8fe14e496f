import path from 'node:path'
import express from 'express'
import { govukFrontendDist, webAssets } from '../shared/web/paths.ts'
import { partnershipStylesheet } from '../shared/web/stylesheet.ts'

/**
 * The few static files a page needs, under `/assets`: our stylesheet (govuk-frontend's CSS adapted, see
 * stylesheet.ts), govuk-frontend's script and our icon. Nothing else of govuk-frontend's assets is served: its
 * crown images and GDS Transport font are GOV.UK's alone. URLs carry a version, so they may be cached for a year.
 */
export function setUpStaticAssets(): express.Router {
  const router = express.Router()
  const longCache = 'public, max-age=31536000, immutable'
  router.get('/assets/saferhub.css', (_req, res) => {
    const { css } = partnershipStylesheet()
    res.setHeader('Content-Type', 'text/css; charset=utf-8')
    res.setHeader('Cache-Control', longCache)
    res.send(css)
  })
  router.get('/assets/govuk-frontend.min.js', (_req, res) => {
    res.setHeader('Cache-Control', longCache)
    res.type('text/javascript')
    res.sendFile(path.join(govukFrontendDist, 'govuk', 'govuk-frontend.min.js'))
  })
  router.get('/assets/favicon.svg', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=86400')
    res.type('image/svg+xml')
    res.sendFile(path.join(webAssets, 'favicon.svg'))
  })
  return router
}
