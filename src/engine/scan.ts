/**
 * One scan: parse each file, evaluate every enabled rule on every job, apply the config, then the
 * comment markers (suppressions, quick fixes), then sort, deduplicate and fingerprint.
 */
import { Minimatch } from 'minimatch'
import {
  SEVERITY_RANK,
  type FileRange,
  type FileStatus,
  type Finding,
  type ScanResult,
  type Severity
} from '../types.js'
import type { ParseResult, Step } from '../workflow/model.js'
import { parseWorkflow } from '../workflow/parse.js'
import type { Config, ScanInput } from './api.js'
import { internalOf, type CompiledRule } from './compiled.js'
import { ENGINE_RULES, ENGINE_RULE_IDS } from './engine-rules.js'
import { jobContext, stepLocation } from './facts.js'
import { fingerprint } from './fingerprint.js'
import {
  dayOf,
  daysBetween,
  MARKER_WORD,
  parseMarkers,
  type IgnoreMarker,
  type Marker,
  type QuickFixMarker
} from './markers.js'
import { evaluateRule, type QuickFixInfo, type RawFinding } from './match.js'
import { MAX_PATTERN_INPUT } from './pattern.js'

/** A finding with what markers need: the step's lines. */
interface Pending {
  finding: Finding
  stepRange?: FileRange
  stepKey?: string
}

export function scan(input: ScanInput): ScanResult {
  const { rules, catalog } = internalOf(input.ruleSet)
  const config = input.config
  const today = dayOf(input.now)
  const files: FileStatus[] = []
  const errors: string[] = []
  const pending: Pending[] = []
  const parseCache = new Map<string, ParseResult>()
  const ignore = config.ignore.map((g) => ({ glob: g, m: new Minimatch(g, { dot: true }) }))
  const active = rules.filter((r) => isEnabled(r.info.id, config, false))

  // markers by file, read once (composite action files too, for findings that point into them)
  const markers = new Map<string, Marker[]>()
  const markersOf = (file: string, parsed?: { text: string; pr: ParseResult }): Marker[] => {
    let ms = markers.get(file)
    if (!ms) {
      // a marker names the tool: a file without the word has none, and its lines are not split
      const text = parsed ? parsed.text : input.readFile(file)
      ms =
        text === undefined || !text.includes(MARKER_WORD)
          ? []
          : parseMarkers(file, parsed ? parsed.pr.lines : text.split(/\r?\n/))
      markers.set(file, ms)
    }
    return ms
  }
  const quickFixFor = (step: Step): QuickFixInfo | undefined => {
    const m = markersOf(step.file).find(
      (x): x is QuickFixMarker =>
        x.kind === 'quick-fix' && x.line >= step.range.line - 1 && x.line <= step.range.endLine
    )
    return m ? { expires: m.expires, ref: m.ref } : undefined
  }
  const reportedFiles: string[] = []

  for (const file of input.files) {
    const ig = ignore.find((g) => g.m.match(file.path))
    if (ig) {
      files.push({
        path: file.path,
        status: 'skipped',
        reason: `ignored by the config (\`${ig.glob}\`)`
      })
      continue
    }
    let pr: ParseResult
    try {
      pr = parseWorkflow(file, input.readFile, { cache: parseCache })
    } catch (e) {
      const msg = `internal error while parsing: ${(e as Error).message}`
      files.push({ path: file.path, status: 'parse-error', reason: msg })
      errors.push(`${file.path}: ${msg}`)
      continue
    }
    markersOf(file.path, { text: file.text, pr })
    reportedFiles.push(file.path)
    for (const f of pr.findings) pending.push({ finding: f })
    if (!pr.workflow) {
      if (pr.skipped) files.push({ path: file.path, status: 'skipped', reason: pr.skipped })
      else
        files.push({
          path: file.path,
          status: 'parse-error',
          reason: pr.findings[0]?.message ?? 'the file could not be read'
        })
      continue
    }
    files.push({ path: file.path, status: 'scanned' })
    const raw: RawFinding[] = []
    for (const job of pr.workflow.jobs) {
      const ctx = jobContext(pr.workflow, job, catalog)
      for (const rule of active) {
        if (rule.skipIfReported.length) {
          const found = evaluateRule(rule, ctx, quickFixFor)
          raw.push(...found.filter((f) => !skipped(rule, f, raw)))
        } else raw.push(...evaluateRule(rule, ctx, quickFixFor))
      }
      for (const s of job.steps) {
        if (s.run && s.run.text.length > MAX_PATTERN_INPUT) pending.push(truncated(s, job.id))
      }
    }
    for (const r of raw) pending.push(toPending(r, config, today))
  }

  const findings = applyMarkers(pending, markers, reportedFiles, input, today)
  const result = finish(
    findings.filter((f) => isEnabled(f.ruleId, config, true)).map((f) => override(f, config))
  )
  return { findings: result, files, errors, rules: [...input.ruleSet.rules, ...ENGINE_RULES] }
}

function isEnabled(id: string, config: Config, engineToo: boolean): boolean {
  if (config.severity[id] === 'off' || config.disable.includes(id)) return false
  if (ENGINE_RULE_IDS.has(id)) return engineToo
  return config.enable.length === 0 || config.enable.includes(id)
}

function override(f: Finding, config: Config): Finding {
  const s = config.severity[f.ruleId]
  return s && s !== 'off' ? { ...f, severity: s } : f
}

/** skip-if-reported: another listed rule already reports the same step. */
function skipped(rule: CompiledRule, f: RawFinding, earlier: RawFinding[]): boolean {
  return earlier.some(
    (o) => o.step === f.step && f.step !== undefined && rule.skipIfReported.includes(o.rule.info.id)
  )
}

function quickFixSeverity(
  expires: string | undefined,
  today: string,
  warningDays: number
): Severity {
  if (!expires) return 'warning'
  const left = daysBetween(today, expires)
  if (left <= 0) return 'error'
  return left <= warningDays ? 'warning' : 'notice'
}

/** What a reader needs to know of a quick fix in one line: its ticket and how its date stands. */
function quickFixNote(q: QuickFixInfo, today: string): string {
  const what = `quick fix${q.ref ? ` ${q.ref}` : ''}`
  if (!q.expires) return `${what} with no expiry date: give it one with expires=YYYY-MM-DD`
  const left = daysBetween(today, q.expires)
  if (left < 0) return `${what} expired on ${q.expires}, ${-left} day${left === -1 ? '' : 's'} ago`
  if (left === 0) return `${what} expires today, ${q.expires}`
  return `${what} until ${q.expires}, ${left} day${left === 1 ? '' : 's'} left`
}

function toPending(r: RawFinding, config: Config, today: string): Pending {
  let severity = r.severity
  let expires: string | undefined
  let message = r.message
  if (r.quickFix) {
    severity = quickFixSeverity(r.quickFix.expires, today, config.quickFixWarningDays)
    expires = r.quickFix.expires
    // A rule whose message places {expires} itself says it its own way.
    if (!/\{(expires|ref)\}/.test(r.rule.rawMessage))
      message += ` (${quickFixNote(r.quickFix, today)})`
  }
  const finding: Finding = {
    ruleId: r.rule.info.id,
    severity,
    file: r.location.file,
    line: r.location.line,
    column: r.location.column,
    endLine: r.location.endLine,
    endColumn: r.location.endColumn,
    message,
    recommendation: r.recommendation,
    title: r.rule.title,
    job: r.job,
    ...(r.step ? { step: r.step.label } : {}),
    ...(r.related.length ? { related: r.related } : {}),
    ...(expires ? { expires } : {})
  }
  return {
    finding,
    stepRange: r.step?.range,
    stepKey: r.step ? (r.step.id ?? r.step.label) : undefined
  }
}

function truncated(step: Step, job: string): Pending {
  const loc = step.run!.range
  return {
    finding: {
      ruleId: 'input-truncated',
      severity: 'notice',
      ...loc,
      message: `The run script of \`${step.label}\` is ${step.run!.text.length} characters long; rules look at its first ${MAX_PATTERN_INPUT} only`,
      recommendation: ENGINE_RULES.find((r) => r.id === 'input-truncated')!.recommendation,
      title: ENGINE_RULES.find((r) => r.id === 'input-truncated')!.title,
      job,
      step: step.label
    },
    stepRange: step.range,
    stepKey: step.id ?? step.label
  }
}

function markerFinding(
  m: Marker,
  ruleId: string,
  severity: Severity,
  message: string,
  expires?: string
): Pending {
  const info = ENGINE_RULES.find((r) => r.id === ruleId)!
  return {
    finding: {
      ruleId,
      severity,
      file: m.file,
      line: m.line,
      column: m.column,
      endLine: m.line,
      endColumn: m.endColumn,
      message,
      recommendation: info.recommendation,
      title: info.title,
      ...(expires ? { expires } : {})
    }
  }
}

function suppresses(m: IgnoreMarker, p: Pending): boolean {
  const f = p.finding
  if (m.file !== f.file || !m.rules.includes(f.ruleId)) return false
  if (m.line === f.line || m.line === f.line - 1) return true
  const r = p.stepRange
  return r !== undefined && r.file === m.file && m.line >= r.line - 1 && m.line <= r.endLine
}

function applyMarkers(
  pending: Pending[],
  markers: Map<string, Marker[]>,
  reportedFiles: string[],
  input: ScanInput,
  today: string
): (Finding & { stepKey?: string })[] {
  const known = new Set([...input.ruleSet.rules.map((r) => r.id), ...ENGINE_RULE_IDS])
  const live: IgnoreMarker[] = []
  const extra: Pending[] = []
  for (const ms of markers.values()) {
    for (const m of ms) {
      if (m.kind !== 'ignore') continue
      if (m.until !== undefined && today > m.until) continue
      live.push(m)
    }
  }
  const kept: (Finding & { stepKey?: string })[] = []
  for (const p of pending) {
    const m = live.find((x) => suppresses(x, p))
    if (m) m.used = true
    else kept.push({ ...p.finding, ...(p.stepKey ? { stepKey: p.stepKey } : {}) })
  }
  for (const file of new Set(reportedFiles)) {
    for (const m of markers.get(file) ?? []) {
      if (m.kind === 'invalid') {
        extra.push(
          markerFinding(
            m,
            'invalid-marker',
            'warning',
            `This prevent-similar-bugs marker is ignored: ${m.problem}`
          )
        )
      } else if (m.kind === 'ignore') {
        const names = m.rules.map((r) => `\`${r}\``).join(', ')
        if (m.until !== undefined && today > m.until) {
          extra.push(
            markerFinding(
              m,
              'expired-suppression',
              'warning',
              `The suppression of ${names} expired on ${m.until} and no longer applies (reason given: ${m.reason})`,
              m.until
            )
          )
        } else if (!m.used) {
          const unknown = m.rules.filter((r) => !known.has(r))
          const enabled = m.rules.filter((r) => known.has(r) && isEnabled(r, input.config, true))
          if (unknown.length)
            extra.push(
              markerFinding(
                m,
                'unused-suppression',
                'notice',
                `The suppression names no known rule: ${unknown.map((r) => `\`${r}\``).join(', ')}`
              )
            )
          else if (enabled.length)
            extra.push(
              markerFinding(
                m,
                'unused-suppression',
                'notice',
                `The suppression of ${names} suppresses nothing here`,
                m.until
              )
            )
        }
      }
    }
  }
  return [...kept, ...extra.map((p) => p.finding)]
}

/** Sorts (severity, file, line, column, rule), drops duplicates and sets fingerprints. */
function finish(findings: (Finding & { stepKey?: string })[]): Finding[] {
  const sorted = [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      cmp(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      cmp(a.ruleId, b.ruleId) ||
      cmp(a.message, b.message)
  )
  const seen = new Set<string>()
  const out: Finding[] = []
  for (const f of sorted) {
    const key = `${f.ruleId}\0${f.file}\0${f.line}\0${f.column}`
    if (seen.has(key)) continue
    seen.add(key)
    const { stepKey, ...rest } = f
    out.push({ ...rest, fingerprint: fingerprint(rest, stepKey) })
  }
  return out
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export { stepLocation }
