import { SEVERITY_RANK, type Finding, type Severity } from '../types.js'

/** Most severe first, then by file, line, column and rule: the order every report shows. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  )
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings)
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 }
  for (const f of findings) counts[f.severity]++
  return counts
}

/** "1 error, 2 warnings and 1 notice", or "no findings". */
export function describeCounts(counts: Record<Severity, number>): string {
  const parts: string[] = []
  for (const s of ['error', 'warning', 'notice'] as const) {
    if (counts[s]) parts.push(`${counts[s]} ${s}${counts[s] === 1 ? '' : 's'}`)
  }
  if (parts.length === 0) return 'no findings'
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
}

/** Whether findings of these counts fail a run under `fail-on` (the action's input, the CLI's option). */
export function fails(counts: Record<Severity, number>, failOn: Severity | 'never'): boolean {
  if (failOn === 'never') return false
  return (['error', 'warning', 'notice'] as const).some(
    (s) => counts[s] > 0 && SEVERITY_RANK[s] >= SEVERITY_RANK[failOn]
  )
}
