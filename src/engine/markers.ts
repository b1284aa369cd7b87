/**
 * Comment markers (docs/rule-format.md "Markers in comments"):
 *   # prevent-similar-bugs: ignore[rule-a,rule-b] until=YYYY-MM-DD -- reason
 *   # prevent-similar-bugs: quick-fix expires=YYYY-MM-DD ref=BUG-123
 * A marker ends at the next ` #` on its line (so an `# expect:` comment may follow it).
 */

export interface IgnoreMarker {
  kind: 'ignore'
  file: string
  line: number
  column: number
  endColumn: number
  rules: string[]
  until?: string
  reason: string
  used: boolean
}

export interface QuickFixMarker {
  kind: 'quick-fix'
  file: string
  line: number
  column: number
  endColumn: number
  expires?: string
  ref?: string
}

export interface InvalidMarker {
  kind: 'invalid'
  file: string
  line: number
  column: number
  endColumn: number
  problem: string
}

export type Marker = IgnoreMarker | QuickFixMarker | InvalidMarker

/** Every marker holds this word (a text without it has no marker). */
export const MARKER_WORD = 'prevent-similar-bugs'
const MARKER = /#\s*prevent-similar-bugs\s*:(.*)$/
const RULE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/

/** A real calendar date written YYYY-MM-DD. */
export function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

/** Today's date (UTC) as YYYY-MM-DD. */
export function dayOf(now: Date): string {
  return now.toISOString().slice(0, 10)
}

/** Whole days from `a` to `b` (both YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000)
}

export function parseMarkers(file: string, lines: string[]): Marker[] {
  const out: Marker[] = []
  lines.forEach((text, i) => {
    const m = MARKER.exec(text)
    if (!m) return
    const column = m.index + 1
    const base = { file, line: i + 1, column, endColumn: text.length + 1 }
    const body = m[1].split(/\s#/)[0].trim()
    out.push(parseBody(body, base))
  })
  return out
}

type Base = Pick<Marker, 'file' | 'line' | 'column' | 'endColumn'>

function invalid(base: Base, problem: string): InvalidMarker {
  return { kind: 'invalid', ...base, problem }
}

function parseBody(body: string, base: Base): Marker {
  const ig = /^ignore\s*\[([^\]]*)\]\s*(.*)$/.exec(body)
  if (ig) {
    const rules = ig[1].split(',').map((r) => r.trim())
    if (rules.length === 0 || rules.some((r) => !RULE_ID.test(r)))
      return invalid(base, `\`ignore[${ig[1]}]\` must name rule ids, separated by commas`)
    let rest = ig[2]
    let until: string | undefined
    const u = /^until\s*=\s*(\S+)\s*(.*)$/.exec(rest)
    if (u) {
      if (!isDate(u[1])) return invalid(base, `\`until=${u[1]}\` is not a date (YYYY-MM-DD)`)
      until = u[1]
      rest = u[2]
    }
    const r = /^--\s*(.*)$/.exec(rest)
    if (!r || r[1].trim() === '') {
      if (rest.trim() && !rest.startsWith('--'))
        return invalid(
          base,
          `unexpected \`${rest.trim()}\` (expected \`until=YYYY-MM-DD\` and \`-- reason\`)`
        )
      return invalid(base, 'a suppression needs a reason: `-- why this is safe`')
    }
    return { kind: 'ignore', ...base, rules, until, reason: r[1].trim(), used: false }
  }
  const qf = /^quick-fix(?:\s+(.*))?$/.exec(body)
  if (qf) {
    const marker: QuickFixMarker = { kind: 'quick-fix', ...base }
    const rest = (qf[1] ?? '').split(/\s--\s|^--\s/)[0].trim()
    for (const tok of rest ? rest.split(/\s+/) : []) {
      const kv = /^(expires|ref)=(.+)$/.exec(tok)
      if (!kv)
        return invalid(
          base,
          `unexpected \`${tok}\` in a quick-fix marker (expected \`expires=YYYY-MM-DD\` and \`ref=…\`)`
        )
      if (kv[1] === 'expires') {
        if (!isDate(kv[2])) return invalid(base, `\`expires=${kv[2]}\` is not a date (YYYY-MM-DD)`)
        marker.expires = kv[2]
      } else marker.ref = kv[2]
    }
    return marker
  }
  return invalid(
    base,
    `unknown marker \`${body.split(/\s+/)[0] ?? ''}\` (expected \`ignore[rule-id] … -- reason\` or \`quick-fix expires=YYYY-MM-DD\`)`
  )
}
