/**
 * The report a reviewer reads: the sticky PR comment (and, through summary.ts, the job summary).
 * Counts, a table of findings linked to the line at the head commit, for each rule once why it bites
 * and how to prevent it, quick fixes with their dates, what was not checked. All text that comes from
 * the pull request goes through escape.ts. The text stays under a size budget and says what it cut.
 */
import type { Finding, RuleInfo, ScanResult, Severity } from '../types.js'
import { htmlInline, htmlText, mdBlock, mdCode, mdInline, mdText, urlPath } from './escape.js'
import { countBySeverity, describeCounts, plural, sortFindings } from './order.js'

/** The hidden marker the sticky comment is found by (with its author). */
export const COMMENT_MARKER = '<!-- prevent-similar-bugs -->'
/** GitHub refuses comment bodies over 65,536 characters; keep a margin. */
export const COMMENT_MAX_CHARS = 65_000
/** A step summary over 1 MiB is not uploaded; keep a margin (measured in bytes). */
export const SUMMARY_MAX_BYTES = 1_000_000

/** Findings listed in a rule's explanation (all are in the table). */
const EXPLANATION_FINDINGS = 10

const ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', notice: 'ℹ️' }

export interface ReportContext {
  /** `https://github.com/owner/repo`: links to lines need it and `headSha`. */
  repoUrl?: string
  /** The commit the scanned text is from. */
  headSha?: string
  /** The clock, for quick-fix dates. */
  now: Date
  /** Findings not shown as annotations (GitHub's limits). */
  annotationsNotShown?: number
  /** "built-in 7, repository 1". */
  rules?: string
  /** Where the configuration came from ("the base branch", a path). */
  config?: string
  /** Notes in plain text (code spans allowed), e.g. that the PR changes the config. */
  notes?: string[]
}

export interface RenderOptions {
  /** The sticky comment: the marker, and the all-clear wording for a comment that had findings. */
  kind: 'comment' | 'summary'
  /** The budget, in the unit `measure` counts. */
  budget?: number
  measure?: (text: string) => number
}

/** A link to a line (or lines) of a file at the head commit, or plain text without a repository URL. */
function lineLink(
  ctx: ReportContext,
  file: string,
  line: number,
  endLine: number,
  text: string
): string {
  const label = mdText(text)
  if (!ctx.repoUrl || !ctx.headSha) return label
  const range = endLine > line ? `#L${line}-L${endLine}` : `#L${line}`
  return `[${label}](${ctx.repoUrl}/blob/${encodeURIComponent(ctx.headSha)}/${urlPath(file)}${range})`
}

/** Workflow files by their name, other files (composite actions) by their path. */
function shortName(file: string): string {
  return /^\.github\/workflows\/[^/]+$/.test(file) ? file.slice('.github/workflows/'.length) : file
}

function where(ctx: ReportContext, f: Finding): string {
  return lineLink(ctx, f.file, f.line, f.endLine, `${shortName(f.file)}:${f.line}`)
}

function jobStep(f: Finding): string {
  return [f.job, f.step]
    .filter((x): x is string => Boolean(x))
    .map((x) => mdText(x))
    .join(' / ')
}

/** Days from `now` (its UTC date) to a YYYY-MM-DD date. */
export function daysUntil(date: string, now: Date): number | undefined {
  const t = Date.parse(`${date}T00:00:00Z`)
  if (Number.isNaN(t)) return undefined
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  return Math.round((t - today) / 86_400_000)
}

function expiryText(date: string, now: Date): string {
  const d = daysUntil(date, now)
  if (d === undefined) return 'date not understood'
  if (d < 0) return `expired ${plural(-d, 'day')} ago`
  if (d === 0) return 'expires today'
  return `in ${plural(d, 'day')}`
}

interface Block {
  text: string
  /** What to count as cut when the block does not fit. */
  kind: 'row' | 'explanation' | 'quick-fix' | 'skipped' | 'problem'
}

/** Renders the report; see `renderComment` and `renderSummary`. */
export function renderReport(result: ScanResult, ctx: ReportContext, opts: RenderOptions): string {
  const measure = opts.measure ?? ((t: string) => t.length)
  const budget = opts.budget ?? COMMENT_MAX_CHARS
  const findings = sortFindings(result.findings)
  const counts = countBySeverity(findings)
  const rulesById = new Map(result.rules.map((r) => [r.id, r]))
  const checked = result.files.filter((f) => f.status === 'scanned').length
  const notChecked = result.files.filter((f) => f.status !== 'scanned')
  const fileCount = new Set(findings.map((f) => f.file)).size

  const head: string[] = []
  if (opts.kind === 'comment') head.push(COMMENT_MARKER)
  if (findings.length > 0) {
    head.push(
      `### prevent-similar-bugs: ${describeCounts(counts)} in ${plural(fileCount, 'file')}`,
      ''
    )
  } else {
    head.push(`### prevent-similar-bugs: no findings ✅`, '')
    head.push(
      opts.kind === 'comment'
        ? `All clear: the findings reported earlier are gone (${plural(checked, 'file')} checked).`
        : `${plural(checked, 'file')} checked, no findings.`,
      ''
    )
  }
  for (const note of ctx.notes ?? []) head.push(`> ${mdInline(note)}`, '')

  // The blocks, in the order they are kept when space runs out.
  const groups: { title?: string[]; blocks: Block[]; after?: string[] }[] = []
  if (findings.length > 0) {
    groups.push({
      title: ['| | rule | where | job / step |', '|---|---|---|---|'],
      blocks: findings.map((f) => ({
        kind: 'row' as const,
        text: `| ${ICON[f.severity]} | ${mdCode(f.ruleId, { table: true })} | ${where(ctx, f)} | ${jobStep(f)} |`
      })),
      after: ['']
    })
    const byRule = new Map<string, Finding[]>()
    for (const f of findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f])
    groups.push({
      blocks: [...byRule.entries()].map(([id, list]) => ({
        kind: 'explanation' as const,
        text: explanation(ctx, id, list, rulesById.get(id))
      }))
    })
    const quick = findings.filter((f) => f.expires)
    if (quick.length > 0) {
      groups.push({
        title: [
          '#### Quick fixes and their dates',
          '',
          '| | rule | where | until | |',
          '|---|---|---|---|---|'
        ],
        blocks: quick.map((f) => ({
          kind: 'quick-fix' as const,
          text: `| ${ICON[f.severity]} | ${mdCode(f.ruleId, { table: true })} | ${where(ctx, f)} | ${mdText(
            f.expires ?? ''
          )} | ${expiryText(f.expires ?? '', ctx.now)} |`
        })),
        after: ['']
      })
    }
  }
  if (notChecked.length > 0) {
    groups.push({
      title: [`#### Not checked: ${plural(notChecked.length, 'file')}`, ''],
      blocks: notChecked.map((s) => ({
        kind: 'skipped' as const,
        text: `- ${mdCode(s.path)}: ${s.status === 'parse-error' ? 'could not be parsed' : 'skipped'}${
          s.reason ? `: ${mdInline(s.reason)}` : ''
        }`
      })),
      after: ['']
    })
  }
  if (result.errors.length > 0) {
    groups.push({
      title: ['#### Problems', ''],
      blocks: result.errors.map((e) => ({ kind: 'problem' as const, text: `- ${mdInline(e)}` })),
      after: ['']
    })
  }

  const tail: string[] = []
  if (ctx.annotationsNotShown) {
    tail.push(
      `${plural(ctx.annotationsNotShown, 'finding was', 'findings were')} not shown as annotations ` +
        `(GitHub shows at most 10 per level in a step); all are listed here.`,
      ''
    )
  }
  const footer: string[] = [`${plural(checked, 'file')} checked`]
  if (ctx.rules) footer.push(`rules: ${mdText(ctx.rules)}`)
  if (ctx.config) footer.push(`config from ${mdText(ctx.config)}`)
  tail.push(`<sub>${footer.join(' · ')}</sub>`)

  // Assemble within the budget: everything fixed first, then blocks in order while they fit.
  const cutNoteRoom = 400
  const fixed = [...head, ...tail].join('\n')
  let used = measure(fixed) + cutNoteRoom
  const cut: Record<Block['kind'], number> = {
    row: 0,
    explanation: 0,
    'quick-fix': 0,
    skipped: 0,
    problem: 0
  }
  const body: string[] = []
  // The table must not crowd out every explanation: keep up to 40% of the budget for them.
  const explanationCost = groups
    .flatMap((g) => g.blocks)
    .filter((b) => b.kind === 'explanation')
    .reduce((n, b) => n + measure(b.text) + 1, 0)
  const reserve = Math.min(explanationCost, Math.floor(budget * 0.4))
  for (const g of groups) {
    const lines: string[] = []
    const frame = measure([...(g.title ?? []), ...(g.after ?? [])].join('\n')) + 2
    const limit = g.blocks[0]?.kind === 'row' ? budget - reserve : budget
    let framed = false
    for (const b of g.blocks) {
      const cost = measure(b.text) + 1 + (framed ? 0 : frame)
      if (used + cost > limit) {
        cut[b.kind]++
        continue
      }
      used += cost
      framed = true
      lines.push(b.text)
    }
    if (lines.length > 0) body.push(...(g.title ?? []), ...lines, ...(g.after ?? []))
  }
  const cutParts: string[] = []
  if (cut.row) cutParts.push(`${plural(cut.row, 'finding')} of the table`)
  if (cut.explanation) cutParts.push(plural(cut.explanation, 'explanation'))
  if (cut['quick-fix']) cutParts.push(plural(cut['quick-fix'], 'quick fix', 'quick fixes'))
  if (cut.skipped) cutParts.push(plural(cut.skipped, 'file not checked', 'files not checked'))
  if (cut.problem) cutParts.push(plural(cut.problem, 'problem'))
  const cutNote: string[] = []
  if (cutParts.length > 0) {
    const rest =
      opts.kind === 'comment'
        ? 'the job summary and the annotations have the full report'
        : 'the SARIF file or the CLI (`prevent-similar-bugs scan`) have the full report'
    cutNote.push(
      `**Cut to stay under GitHub's size limit:** ${cutParts.join(', ')} not shown here; ${rest}.`,
      ''
    )
  }
  return [...head, ...body, ...cutNote, ...tail].join('\n') + '\n'
}

/** One collapsible section per rule: what, where, why it bites and how to prevent it. */
function explanation(
  ctx: ReportContext,
  id: string,
  list: Finding[],
  rule: RuleInfo | undefined
): string {
  const first = list[0]
  const severity = list[0].severity
  const title =
    list.length === 1 ? htmlInline(first.message) : htmlText(rule?.title ?? first.title ?? id)
  const out = [`<details><summary>${ICON[severity]} <b>${htmlText(id)}</b>: ${title}</summary>`, '']
  for (const f of list.slice(0, EXPLANATION_FINDINGS)) {
    const js = jobStep(f)
    out.push(`- ${where(ctx, f)}${js ? ` (${js})` : ''}: ${mdInline(f.message)}`)
    for (const r of f.related ?? []) {
      out.push(
        `  - ${lineLink(ctx, r.file, r.line, r.endLine, `line ${r.line}`)}: ${mdInline(r.label)}`
      )
    }
  }
  if (list.length > EXPLANATION_FINDINGS) {
    out.push(`- and ${list.length - EXPLANATION_FINDINGS} more, listed in the table`)
  }
  out.push('')
  const recommendations = [...new Set(list.map((f) => f.recommendation.trim()).filter(Boolean))]
  if (recommendations.length > 0) {
    if (recommendations.length > 1) {
      out.push(
        `For ${mdText(`${shortName(first.file)}:${first.line}`)} (the others are alike):`,
        ''
      )
    }
    out.push(mdBlock(recommendations[0], rule?.recommendation ?? ''), '')
  }
  const refs = (rule?.references ?? []).filter((r) => /^https:\/\/[^\s()<>]+$/.test(r))
  if (refs.length > 0) out.push(`References: ${refs.map((r) => `<${r}>`).join(', ')}`, '')
  out.push('</details>', '')
  return out.join('\n')
}

/** The sticky PR comment (starts with COMMENT_MARKER, under 65,536 characters). */
export function renderComment(result: ScanResult, ctx: ReportContext): string {
  return renderReport(result, ctx, { kind: 'comment', budget: COMMENT_MAX_CHARS })
}
