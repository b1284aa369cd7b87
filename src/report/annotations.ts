/**
 * Findings as GitHub workflow commands (`::error file=…,line=…::message`), which the runner turns into
 * annotations on the pull request's diff. GitHub shows at most 10 annotations of each level per step
 * and 50 per job and drops the rest silently, so the most severe go first, each level is capped, and
 * the number left out is returned for the summary and the comment to say.
 */
import type { Finding, ScanResult, Severity } from '../types.js'
import { commandData, commandProperty } from './escape.js'
import { sortFindings } from './order.js'

/** GitHub's limits for one step. */
export const ANNOTATIONS_PER_LEVEL = 10
export const ANNOTATIONS_PER_JOB = 50
/** The runner cuts an annotation's message at about 4 KB. */
export const ANNOTATION_MESSAGE_MAX = 4000

export interface AnnotationOptions {
  /** Per level (default 10). */
  perLevel?: number
  /** In all (default 50). */
  total?: number
  /**
   * Keep one error slot free for the step's own failure message (`core.setFailed` prints an `::error`).
   * Default false.
   */
  reserveErrorSlot?: boolean
}

export interface Annotations {
  /** Workflow command lines, without trailing newlines, the most severe first. */
  lines: string[]
  shown: number
  /** Findings not shown as annotations because of GitHub's limits. */
  notShown: number
}

/** One finding as one workflow command line. */
export function annotationLine(f: Finding): string {
  const props: [string, string | number][] = [
    ['file', f.file],
    ['line', f.line],
    ['endLine', f.endLine]
  ]
  // GitHub takes columns only for a single-line range.
  if (f.endLine === f.line && f.column > 0) {
    props.push(['col', f.column])
    if (f.endColumn > f.column) props.push(['endColumn', f.endColumn])
  }
  props.push(['title', f.ruleId])
  const where = [f.job, f.step].filter(Boolean).join(' / ')
  let message = where ? `${f.message} (${where})` : f.message
  if (message.length > ANNOTATION_MESSAGE_MAX)
    message = `${message.slice(0, ANNOTATION_MESSAGE_MAX - 1)}…`
  const level = f.severity === 'notice' ? 'notice' : f.severity
  const propText = props.map(([k, v]) => `${k}=${commandProperty(String(v))}`).join(',')
  return `::${level} ${propText}::${commandData(message)}`
}

/** The annotations for a scan, within GitHub's limits. */
export function renderAnnotations(result: ScanResult, opts: AnnotationOptions = {}): Annotations {
  const perLevel = opts.perLevel ?? ANNOTATIONS_PER_LEVEL
  let total = opts.total ?? ANNOTATIONS_PER_JOB
  const limits: Record<Severity, number> = { error: perLevel, warning: perLevel, notice: perLevel }
  if (opts.reserveErrorSlot) {
    limits.error = Math.max(0, limits.error - 1)
    total = Math.max(0, total - 1)
  }
  const lines: string[] = []
  const findings = sortFindings(result.findings)
  for (const f of findings) {
    if (limits[f.severity] <= 0 || lines.length >= total) continue
    limits[f.severity]--
    lines.push(annotationLine(f))
  }
  return { lines, shown: lines.length, notShown: findings.length - lines.length }
}
