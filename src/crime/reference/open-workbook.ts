import ExcelJS from 'exceljs'
import { checkZipSafety, looksLikeZip } from '../../shared/zip-safety.ts'

/**
 * Opens an uploaded workbook with exceljs, after the zip-bomb and path checks the performance framework's import
 * uses (`checkZipSafety`), so that a hostile file is refused before anything inflates it.
 * Returns the workbook, or the reasons it is refused.
 */
export async function openWorkbook(content: Buffer): Promise<ExcelJS.Workbook | { refused: string[] }> {
  if (!looksLikeZip(content)) {
    return { refused: ['not an Excel workbook (.xlsx): the file does not start as a zip archive does'] }
  }
  const reasons = await checkZipSafety(content, ['xl/workbook.xml'])
  if (reasons.length > 0) return { refused: reasons }
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer)
  } catch (error) {
    return { refused: [`not a readable Excel workbook (${error instanceof Error ? error.message : String(error)})`] }
  }
  return workbook
}
