/**
 * Where the accounts code reads the time. Sessions, timeouts and sign-in throttling take a clock rather than
 * calling `new Date()`, so that tests can move time forward without waiting.
 */
export interface Clock {
  now(): Date
}

/** The real time. */
export const systemClock: Clock = { now: () => new Date() }

/**
 * A clock that stands still until moved: for tests.
 *
 * @example
 *   const clock = fakeClock('2018-04-01T09:00:00.000Z')
 *   clock.advance({ minutes: 31 })
 */
export function fakeClock(start: string | Date): Clock & {
  advance(by: { seconds?: number; minutes?: number; hours?: number }): void
  set(to: string | Date): void
} {
  let current = new Date(start).getTime()
  if (Number.isNaN(current)) throw new Error(`fakeClock: not a time: ${String(start)}`)
  return {
    now: () => new Date(current),
    advance(by) {
      current += ((by.hours ?? 0) * 3600 + (by.minutes ?? 0) * 60 + (by.seconds ?? 0)) * 1000
    },
    set(to) {
      current = new Date(to).getTime()
    },
  }
}
