/** Plain text for people: one line a finding, then what was skipped, then the counts. */
import type { ScanResult, Severity } from '../types.js'
import { countBySeverity, plural } from './order.js'

/** Removes control characters (ANSI escapes, carriage returns) so file text cannot drive the terminal. */
export function terminalSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?').replace(/\n/g, ' ')
}

const COLOUR: Record<Severity, string> = {
  error: '\u001b[31m',
  warning: '\u001b[33m',
  notice: '\u001b[36m'
}
const RESET = '\u001b[0m'

export interface TextOptions {
  colour: boolean
  quiet: boolean
}

export function renderText(result: ScanResult, opts: TextOptions): string {
  const out: string[] = []
  for (const f of result.findings) {
    const sev = opts.colour ? `${COLOUR[f.severity]}${f.severity}${RESET}` : f.severity
    out.push(
      `${terminalSafe(f.file)}:${f.line}:${f.column}  ${sev}  ${f.ruleId}  ${terminalSafe(f.message)}`
    )
  }
  if (opts.quiet) return out.length ? `${out.join('\n')}\n` : ''
  const skipped = result.files.filter((f) => f.status === 'skipped')
  if (skipped.length) {
    out.push('')
    for (const s of skipped)
      out.push(`skipped ${terminalSafe(s.path)}: ${terminalSafe(s.reason ?? '')}`)
  }
  for (const e of result.errors) out.push(`error: ${terminalSafe(e)}`)
  const c = countBySeverity(result.findings)
  const scanned = result.files.filter((f) => f.status !== 'skipped').length
  out.push('')
  out.push(
    `${plural(result.findings.length, 'finding')} (${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ` +
      `${plural(c.notice, 'notice')}) in ${plural(scanned, 'file')} checked` +
      (skipped.length ? `, ${skipped.length} skipped` : '')
  )
  return `${out.join('\n')}\n`
}
