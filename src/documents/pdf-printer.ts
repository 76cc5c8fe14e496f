import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type { PrintableDocument } from './document.ts'
import { documentHtml, escapeHtml } from './document-html.ts'

/**
 * Printing a document to a tagged PDF with Debian's Chromium (through playwright-core, which drives it over the
 * DevTools protocol; no browser is downloaded). The PDF is the standalone HTML (document-html.ts) printed as is, so
 * its structure tree is Chromium's accessibility tree of that HTML: headings H1..H4, tables with TH/TD, each chart a
 * Figure whose /Alt is the chart's alternative text; its outline is built from the headings; its /Lang and /Title
 * come from `<html lang>` and `<title>` (checked by reading the PDF in pdf-printer.test.ts).
 *
 * One browser per process: launched on the first print (a server that never prints never starts one), reused for
 * every print (a fresh page each, closed after), and closed by `close()`, which the composition root calls on
 * shutdown. A browser that crashed or was closed is launched again on the next print.
 */

export const DEFAULT_CHROMIUM = '/usr/bin/chromium'

/** Chromium is not installed where the printer looks for it: the message says what to install. */
export class ChromiumMissingError extends Error {
  constructor(executablePath: string) {
    super(`PDF printing needs Chromium at ${executablePath}: apt-get install chromium`)
    this.name = 'ChromiumMissingError'
  }
}

/** A print took longer than the printer's timeout (the page is closed; the browser stays for the next print). */
export class PrintTimeoutError extends Error {
  constructor(milliseconds: number) {
    super(`Printing the PDF took longer than ${milliseconds / 1000} s and was stopped`)
    this.name = 'PrintTimeoutError'
  }
}

export interface PdfPrinterOptions {
  /** Debian's Chromium by default. */
  readonly executablePath?: string
  /** How long one print (or one chart's image) may take, in milliseconds: 30 s by default. */
  readonly timeoutMs?: number
  /** Pages printed at once; more wait their turn (the server is small; each page holds a whole document). */
  readonly concurrentPages?: number
}

export interface PrintOptions {
  /** A tagged (accessible) PDF: true for every document saferhub prints; false only for the benchmark's baseline. */
  readonly tagged: boolean
  /** Printed small at the top of every page beside the page number at the bottom; none when absent. */
  readonly runningTitle?: string
}

/** What the DOCX needs from a browser: a chart's SVG as a PNG (document-docx.ts). */
export interface ChartRasteriser {
  /** The SVG drawn at `scale` times its own size (2 by default, sharp when printed), as a PNG with its pixel size. */
  chartPng(
    svg: string,
    scale?: number,
  ): Promise<{ readonly png: Buffer; readonly width: number; readonly height: number }>
}

/**
 * Chromium's flags: no sandbox only when running as root (Chromium refuses to start as root with one; CI runs as
 * root), and none of the background traffic a fresh profile makes (updates, sync, field trials, QUIC probes): a
 * print must make no request at all.
 */
function launchArguments(): string[] {
  const flags = [
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--disable-default-apps',
    '--disable-extensions',
    '--mute-audio',
  ]
  if (typeof process.getuid === 'function' && process.getuid() === 0) flags.push('--no-sandbox')
  return flags
}

/** Page numbers at the bottom of each page; Chromium fills the spans with class pageNumber and totalPages. */
const FOOTER =
  '<div style="font-size:8pt;width:100%;text-align:center;color:#505a5f;font-family:Arial,sans-serif">' +
  'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'

function header(runningTitle: string | undefined): string {
  // The header's template is HTML too: the title is escaped like every other text.
  return runningTitle === undefined
    ? '<div></div>'
    : '<div style="font-size:8pt;width:100%;padding:0 16mm;color:#505a5f;font-family:Arial,sans-serif">' +
        `${escapeHtml(runningTitle)}</div>`
}

export class PdfPrinter implements ChartRasteriser {
  readonly #executablePath: string
  readonly #timeoutMs: number
  readonly #concurrentPages: number
  #browser: Promise<Browser> | null = null
  /** One browser context per pixel scale (1 for printing, 3 for the DOCX's charts), made once with the browser. */
  #contexts = new Map<number, Promise<BrowserContext>>()
  #busy = 0
  readonly #waiting: (() => void)[] = []
  #closed = false

  constructor(options: PdfPrinterOptions = {}) {
    this.#executablePath = options.executablePath ?? DEFAULT_CHROMIUM
    this.#timeoutMs = options.timeoutMs ?? 30_000
    this.#concurrentPages = Math.max(1, options.concurrentPages ?? 2)
  }

  /** Whether Chromium is where this printer looks for it (a route may offer the PDF only then). */
  get available(): boolean {
    return existsSync(this.#executablePath)
  }

  /**
   * The document as a tagged PDF: A4, an outline from its headings, its language and title, page numbers.
   *
   * @example const pdf = await printer.print(annualReport) // Buffer starting "%PDF-"
   */
  async print(doc: PrintableDocument): Promise<Buffer> {
    // A draft says so on every page, not only the first: pages get printed and passed round one by one.
    const runningTitle = doc.watermark === undefined ? doc.title : `${doc.watermark}: ${doc.title}`
    return this.printHtml(documentHtml(doc), { tagged: true, runningTitle })
  }

  /** Any self-contained HTML printed as the documents are (the benchmark's baseline prints with `tagged: false`). */
  async printHtml(html: string, options: PrintOptions): Promise<Buffer> {
    return this.#withPage({}, async (page) => {
      await page.setContent(html, { waitUntil: 'load' })
      return this.#pdf(page, options)
    })
  }

  /** A page at an address (a `file://` URL in the benchmark) printed as the documents are. */
  async printUrl(url: string, options: PrintOptions): Promise<Buffer> {
    return this.#withPage({}, async (page) => {
      await page.goto(url, { waitUntil: 'load' })
      return this.#pdf(page, options)
    })
  }

  async chartPng(svg: string, scale = 2): Promise<{ png: Buffer; width: number; height: number }> {
    return this.#withPage({ deviceScaleFactor: scale }, async (page) => {
      await page.setContent(
        `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><style>body{margin:0;background:#fff}` +
          `svg{display:block}</style></head><body>${svg}</body></html>`,
        { waitUntil: 'load' },
      )
      const element = page.locator('svg').first()
      const box = await element.boundingBox()
      if (box === null) throw new Error('The chart has no size to draw')
      const png = await element.screenshot({ type: 'png' })
      return { png, width: Math.round(box.width), height: Math.round(box.height) }
    })
  }

  /** Closes the browser (the composition root's `close()`); a later print launches a new one. */
  async close(): Promise<void> {
    this.#closed = true
    const browser = this.#browser
    this.#browser = null
    this.#contexts = new Map()
    if (browser !== null) await (await browser.catch(() => null))?.close()
    this.#closed = false
  }

  async #pdf(page: Page, options: PrintOptions): Promise<Buffer> {
    return page.pdf({
      format: 'A4',
      printBackground: true,
      tagged: options.tagged,
      outline: options.tagged,
      displayHeaderFooter: true,
      headerTemplate: header(options.runningTitle),
      footerTemplate: FOOTER,
      margin: { top: '18mm', bottom: '20mm', left: '16mm', right: '16mm' },
    })
  }

  #launch(): Promise<Browser> {
    if (this.#browser === null) {
      if (!existsSync(this.#executablePath)) throw new ChromiumMissingError(this.#executablePath)
      const launching = chromium
        .launch({ executablePath: this.#executablePath, headless: true, args: launchArguments() })
        .then((browser) => {
          // A browser that crashed or was killed is launched again on the next print.
          browser.on('disconnected', () => {
            if (this.#browser === launching) {
              this.#browser = null
              this.#contexts = new Map()
            }
          })
          return browser
        })
      launching.catch(() => {
        if (this.#browser === launching) this.#browser = null
      })
      this.#browser = launching
    }
    return this.#browser
  }

  /**
   * A context that runs no script and is offline, so a document cannot make the server fetch anything (the HTML's
   * own Content-Security-Policy says the same). Kept for the browser's life: making one costs more than a small
   * print, and the documents leave nothing in it (no script runs, so no cookie or storage is written).
   */
  #context(browser: Browser, deviceScaleFactor: number): Promise<BrowserContext> {
    let context = this.#contexts.get(deviceScaleFactor)
    if (context === undefined) {
      context = browser.newContext({ deviceScaleFactor, javaScriptEnabled: false, offline: true })
      context.catch(() => this.#contexts.delete(deviceScaleFactor))
      this.#contexts.set(deviceScaleFactor, context)
    }
    return context
  }

  async #withPage<T>(context: { deviceScaleFactor?: number }, use: (page: Page) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error('The PDF printer is closing')
    await this.#turn()
    let timer: NodeJS.Timeout | undefined
    let page: Page | undefined
    try {
      const browser = await this.#launch()
      // A page per print, closed after it.
      page = await (await this.#context(browser, context.deviceScaleFactor ?? 1)).newPage()
      page.setDefaultTimeout(this.#timeoutMs)
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PrintTimeoutError(this.#timeoutMs)), this.#timeoutMs)
      })
      return await Promise.race([use(page), timeout])
    } finally {
      clearTimeout(timer)
      await page?.close().catch(() => undefined)
      this.#release()
    }
  }

  async #turn(): Promise<void> {
    if (this.#busy < this.#concurrentPages) {
      this.#busy++
      return
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve))
  }

  #release(): void {
    const next = this.#waiting.shift()
    if (next) next()
    else this.#busy--
  }
}

/**
 * The document as a tagged PDF, printed by `printer` (the composition root's, so the process keeps one browser).
 *
 * @example const pdf = await printPdf(annualReport, services.printer)
 */
export function printPdf(doc: PrintableDocument, printer: PdfPrinter): Promise<Buffer> {
  return printer.print(doc)
}
