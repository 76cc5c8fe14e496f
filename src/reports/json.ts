import type { PerformanceReport } from '../domain/performance-report.ts'

/**
 * The report model as JSON, exactly as every other renderer reads it (numbers as numbers, missing as null).
 * `format` and `formatVersion` tell a reader which shape this is.
 */
export function performanceReportJson(report: PerformanceReport): string {
  return `${JSON.stringify({ format: 'saferhub.performance-report', formatVersion: 1, ...report }, null, 2)}\n`
}
