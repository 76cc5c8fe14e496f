import { createAuditRepository, type AuditRepository } from '../../src/audit/audit-repository.ts'
import type { Database } from '../../src/db/database.ts'
import { createPerformanceImportService, type PerformanceImportService } from '../../src/performance/import-service.ts'
import {
  createPerformanceRepository,
  type PerformanceRepository,
} from '../../src/performance/performance-repository.ts'

/** The performance repository, with the import service's `applyChanges` beside it as `applyImport`. */
export type TestPerformance = PerformanceRepository &
  Pick<PerformanceImportService, 'applyChanges'> & {
    readonly applyImport: PerformanceImportService['applyChanges']
    readonly imports: PerformanceImportService
  }

/**
 * A partnership's performance repository and import service over a test database, as the composition root builds
 * them: the service owns the unit of work, the repository takes it. `applyImport(changes, context)` applies records
 * already read (the import service's `applyChanges`), for tests that set up a framework without files.
 */
export function testPerformance(
  database: Database,
  options: { readonly audit?: AuditRepository; readonly now?: () => Date } = {},
): TestPerformance {
  const audit = options.audit ?? createAuditRepository(database)
  const repository = createPerformanceRepository(database)
  const imports = createPerformanceImportService({
    database,
    repository,
    audit,
    ...(options.now ? { now: options.now } : {}),
  })
  return { ...repository, applyChanges: imports.applyChanges, applyImport: imports.applyChanges, imports }
}
