/**
 * Structured logs: one JSON object per line on stderr, so that a newline or a quote inside a message (a URL, an
 * error from a library) can never forge a second log entry (ASVS 16.4.1). Never log secrets, passwords, session
 * ids or personal data.
 */
export type LogLevel = 'info' | 'warn' | 'error'

export interface LogEntry {
  readonly [key: string]: unknown
}

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogEntry): void
}

export function jsonLogger(write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  return {
    log(level, message, fields = {}) {
      write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`)
    },
  }
}
