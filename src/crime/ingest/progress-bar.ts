import type { ImportProgress } from './import-service.ts'

const WIDTH = 24

/** 1234567 → "1,234,567" (the report's style, whatever the machine's locale). */
export function groupDigits(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '…'
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
}

/**
 * One line of progress: bar, percentage, rows, MB/s and time left (from the bytes still to read at the rate so far).
 *
 * @example
 * progressLine({ bytesDone: 5e8, bytesTotal: 1e9, rowsDone: 2_300_000, filesDone: 200, filesTotal: 516 }, 1)
 * // '[############------------]  50%  2,300,000 rows  500.0 MB/s  1.0 s left'
 */
export function progressLine(progress: ImportProgress, elapsedSeconds: number): string {
  const fraction = progress.bytesTotal > 0 ? Math.min(1, progress.bytesDone / progress.bytesTotal) : 0
  const filled = Math.round(fraction * WIDTH)
  const rate = elapsedSeconds > 0 ? progress.bytesDone / elapsedSeconds : 0
  const left = rate > 0 ? (progress.bytesTotal - progress.bytesDone) / rate : Number.POSITIVE_INFINITY
  return [
    `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}]`,
    `${String(Math.floor(fraction * 100)).padStart(3)}%`,
    `${groupDigits(progress.rowsDone)} rows`,
    `${(rate / 1e6).toFixed(1)} MB/s`,
    `${duration(left)} left`,
  ].join('  ')
}

/**
 * Draws the progress line on a stream: redrawn in place on a terminal (at most ten times a second), or a plain line
 * every two seconds when the output is a file or a pipe (`--progress` without a terminal).
 */
export function createProgressReporter(stream: { write(text: string): unknown; isTTY?: boolean }) {
  const started = performance.now()
  const interactive = stream.isTTY === true
  let last = 0
  let drawn = false
  return {
    update(progress: ImportProgress, force = false) {
      const now = performance.now()
      if (!force && now - last < (interactive ? 100 : 2000)) return
      last = now
      const line = progressLine(progress, (now - started) / 1000)
      stream.write(interactive ? `\r${line}\u001b[K` : `${line}\n`)
      drawn = true
    },
    /** Ends the progress line (a terminal's cursor moves to a fresh line) and writes a message. */
    message(text: string) {
      if (interactive && drawn) stream.write('\n')
      drawn = false
      stream.write(`${text}\n`)
    },
  }
}
