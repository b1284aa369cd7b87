/** The CLI's machine formats, from the reporters the action uses. */
import { renderAnnotations } from '../report/annotations.js'
import { renderSarif } from '../report/sarif.js'
import type { ScanResult } from '../types.js'
import { VERSION } from './version.js'

export function renderSarifForCli(result: ScanResult): string {
  return renderSarif(result, { toolVersion: VERSION })
}

/** Every finding as a workflow command (the CLI is not bound by one step's annotation limits). */
export function renderAnnotationsForCli(result: ScanResult): string {
  const a = renderAnnotations(result, { perLevel: Infinity, total: Infinity })
  return a.lines.length ? `${a.lines.join('\n')}\n` : ''
}
