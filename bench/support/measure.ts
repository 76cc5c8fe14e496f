/**
 * What the in-process benchmarks (`npm run bench`, `bench:plan`, `bench:floor`) measure with: wall time beside the
 * process's processor time, and the peak resident set.
 */
import { performance } from 'node:perf_hooks'

/**
 * Wall time, and the process's processor time (user and system, every thread: garbage collection included), which
 * other work on a shared machine disturbs much less than the wall time.
 */
export function time<T>(work: () => T): { ms: number; cpuMs: number; result: T } {
  const start = performance.now()
  const cpu = process.cpuUsage()
  const result = work()
  const used = process.cpuUsage(cpu)
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, result }
}

/** The largest resident set so far, in MB. */
export const peakMb = (): number => process.resourceUsage().maxRSS / 1024
