import express from 'express'
import type { CrimeServices } from '../crime-services.ts'
import { crimeImportRoutes } from './import-routes.ts'
import { crimeOverviewRoutes } from './overview-routes.ts'

export interface CrimeWebDependencies {
  readonly services: CrimeServices
  /** Guards for the overview (report:view), its CSV download (after viewGuard: report:export) and the import page (import:run). */
  readonly viewGuard: readonly express.RequestHandler[]
  readonly exportGuard: readonly express.RequestHandler[]
  readonly importGuard: readonly express.RequestHandler[]
  readonly uploadLimitBytes?: number
}

/**
 * The crime pages: `/crime` (report:view), the partnership's police recorded crime from data.police.uk by month and
 * quarter, its crime-type mix, headline figures and rankings; `/crime/months.csv` the monthly table; and
 * `/crime/imports` (import:run), uploading street-level files, the ONS tables or population estimates through the
 * same services as the command line. Every page works without JavaScript.
 */
export function crimeWebRoutes(deps: CrimeWebDependencies): express.Router {
  const router = express.Router()
  router.use(crimeOverviewRoutes({ services: deps.services, viewGuard: deps.viewGuard, exportGuard: deps.exportGuard }))
  router.use(
    crimeImportRoutes({
      services: deps.services,
      importGuard: deps.importGuard,
      ...(deps.uploadLimitBytes === undefined ? {} : { uploadLimitBytes: deps.uploadLimitBytes }),
    }),
  )
  return router
}
