/**
 * The job summary: the same report as the PR comment, without the marker, under 1 MiB (bytes). It needs
 * no token permission, so it is the report of record when the token cannot comment (fork PRs).
 */
import type { ScanResult } from '../types.js'
import { renderReport, SUMMARY_MAX_BYTES, type ReportContext } from './comment.js'

export function renderSummary(result: ScanResult, ctx: ReportContext): string {
  return renderReport(result, ctx, {
    kind: 'summary',
    budget: SUMMARY_MAX_BYTES,
    measure: (t) => Buffer.byteLength(t, 'utf8')
  })
}
