#!/usr/bin/env node
/**
 * Scores the credential-lifetime rules against the labelled real workflows in ../shared/labeled
 * (see its README): per label, how many entries meet their target, and every miss with file:line and
 * why. Exits 1 when a target is missed (needs_expansion entries are a stretch goal, reported apart).
 *
 *   npm run eval:labeled
 *   LABELED_DIR=/path/to/labeled npm run eval:labeled
 *   EVAL_SCAN_CMD="node other/cli.js scan --format json" npm run eval:labeled
 *
 * Each case is scanned as a repository root with the bundled CLI (`node dist/cli/index.js scan
 * --format json`), or with the command in EVAL_SCAN_CMD, which gets the paths to scan as its last
 * arguments, runs in the case folder and must print the CLI's JSON report. Nothing here knows a rule's
 * logic: only the rule ids and the labels.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const labeledDir = resolve(process.env.LABELED_DIR ?? join(repo, '..', 'shared', 'labeled'))
const scanCmd =
  process.env.EVAL_SCAN_CMD ??
  `node ${JSON.stringify(join(repo, 'dist', 'cli', 'index.js'))} scan --format json --fail-on never`
const verbose = process.argv.includes('--verbose') || process.argv.includes('-v')

/** The rules whose findings are "lifetime findings" in the labels' README. */
const LIFETIME_RULES = new Set([
  'late-secrets-loading',
  'oidc-session-expiry',
  'missing-credential-fallback'
])
const FLAG_RULES = LIFETIME_RULES
const STATIC_RULE = 'access-key-expiry'
const RANK = { notice: 1, warning: 2, error: 3 }
const LABEL_ORDER = [
  'RISKY-HIGH',
  'RISKY-MED',
  'RISKY-LOW',
  'MITIGATED',
  'RIGHT',
  'STATIC',
  'FP-CONTROL'
]

if (!existsSync(join(labeledDir, 'labels.json'))) {
  console.log(`eval-labeled: no labelled data at ${labeledDir} (set LABELED_DIR); nothing to score`)
  process.exit(0)
}
if (!process.env.EVAL_SCAN_CMD && !existsSync(join(repo, 'dist', 'cli', 'index.js'))) {
  console.error(
    'eval-labeled: dist/cli/index.js is missing: run `npm run bundle`, or set EVAL_SCAN_CMD to a scan command'
  )
  process.exit(2)
}
const cases = JSON.parse(readFileSync(join(labeledDir, 'labels.json'), 'utf8'))

/** Runs the scanner on one case folder; returns its findings. */
function scanCase(dir, files) {
  // the case root, plus listed files the root's default globs would not take (composites outside .github)
  const paths = [
    '.',
    ...files.filter((f) => !/^\.github\/(workflows\/.*\.ya?ml|actions\/.*action\.ya?ml)$/.test(f))
  ]
  const r = spawnSync(`${scanCmd} ${paths.map((p) => JSON.stringify(p)).join(' ')}`, {
    cwd: dir,
    shell: true,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
  if (r.error) throw r.error
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`scan of ${dir} exited ${r.status}:\n${r.stderr}\n${r.stdout.slice(0, 2000)}`)
  }
  let doc
  try {
    doc = JSON.parse(r.stdout)
  } catch {
    throw new Error(`scan of ${dir} did not print JSON:\n${r.stdout.slice(0, 2000)}\n${r.stderr}`)
  }
  for (const e of doc.errors ?? []) console.log(`  [${dir}] scanner error: ${e}`)
  return doc.findings ?? []
}

/** Line ranges of every step of a workflow or composite file: [{start, end, job}]. */
const stepCache = new Map()
function stepsOf(path) {
  if (stepCache.has(path)) return stepCache.get(path)
  const out = []
  if (existsSync(path)) {
    const lc = new LineCounter()
    const doc = parseDocument(readFileSync(path, 'utf8'), { lineCounter: lc, uniqueKeys: false })
    const line = (off) => lc.linePos(off).line
    const addSteps = (seq, job) => {
      if (!isSeq(seq)) return
      for (const item of seq.items) {
        if (!item?.range) continue
        out.push({
          start: line(item.range[0]),
          end: line(Math.max(item.range[0], item.range[1] - 1)),
          job
        })
      }
    }
    const root = doc.contents
    if (isMap(root)) {
      const jobs = root.get('jobs', true)
      if (isMap(jobs))
        for (const p of jobs.items)
          if (isMap(p.value)) addSteps(p.value.get('steps', true), String(p.key?.value ?? p.key))
      const runs = root.get('runs', true)
      if (isMap(runs)) addSteps(runs.get('steps', true), null)
    }
  }
  stepCache.set(path, out)
  return out
}
function stepAt(path, line) {
  // the innermost (last starting) step whose range holds the line
  let best
  for (const s of stepsOf(path))
    if (s.start <= line && line <= s.end && (!best || s.start >= best.start)) best = s
  return best
}

const sameFile = (labelFile, findingFile) =>
  labelFile === findingFile ||
  labelFile.endsWith(`/${findingFile}`) ||
  findingFile.endsWith(`/${labelFile}`)
const isComposite = (f) => /(^|\/)action\.ya?ml$/.test(f)

/** Is the finding on the step that holds `line` of `file` (same step range, or the line itself)? */
function onStep(caseDir, finding, file, line) {
  if (!sameFile(file, finding.file)) return false
  if (finding.line <= line && line <= finding.endLine) return true
  const want = stepAt(join(caseDir, file), line)
  const got = stepAt(join(caseDir, file), finding.line)
  return want !== undefined && got !== undefined && want.start === got.start
}

/** Is the finding in the labelled job (a composite's findings belong to the jobs that call it)? */
function inJob(entry, finding) {
  if (entry.job === null) return sameFile(entry.file, finding.file)
  if (finding.job !== entry.job) return false
  return sameFile(entry.file, finding.file) || isComposite(finding.file)
}

const fmt = (f) => `${f.file}:${f.line} ${f.severity} ${f.ruleId}: ${f.message}`
const atLeast = (f, sev) => RANK[f.severity] >= RANK[sev]

const results = [] // {entry, caseId, ok, stretch, detail, notes}
for (const c of cases) {
  const dir = join(labeledDir, 'cases', c.id)
  const findings = scanCase(dir, c.files)
  for (const e of c.jobs) {
    const anchors = [{ file: e.file, line: e.anchor_line }]
    if (e.expanded_anchor) anchors.push(e.expanded_anchor)
    const onAnchor = (f) => anchors.some((a) => onStep(dir, f, a.file, a.line))
    const jobFindings = findings.filter((f) => inJob(e, f))
    const r = { caseId: c.id, entry: e, ok: true, stretch: false, detail: '', notes: [] }
    switch (e.label) {
      case 'RISKY-HIGH':
      case 'RISKY-MED': {
        r.stretch = e.needs_expansion === true
        const hit = findings.filter(
          (f) => FLAG_RULES.has(f.ruleId) && atLeast(f, 'warning') && onAnchor(f)
        )
        r.ok = hit.length > 0
        r.detail = r.ok
          ? hit.map(fmt).join('\n      ')
          : `no late-secrets-loading / oidc-session-expiry / missing-credential-fallback warning or error on the anchor step` +
            (jobFindings.length
              ? `; in the job: ${jobFindings.map(fmt).join(' | ')}`
              : '; nothing reported in the job')
        break
      }
      case 'RISKY-LOW': {
        const bad = findings.filter(
          (f) => LIFETIME_RULES.has(f.ruleId) && atLeast(f, 'warning') && onAnchor(f)
        )
        r.ok = bad.length === 0
        r.detail = r.ok ? '' : `above a notice on the anchor: ${bad.map(fmt).join(' | ')}`
        r.notes = findings
          .filter((f) => LIFETIME_RULES.has(f.ruleId) && f.severity === 'notice' && onAnchor(f))
          .map(fmt)
        break
      }
      case 'RIGHT':
      case 'MITIGATED': {
        const bad = jobFindings.filter((f) => LIFETIME_RULES.has(f.ruleId) && atLeast(f, 'warning'))
        r.ok = bad.length === 0
        r.detail = r.ok ? '' : `lifetime finding in the job: ${bad.map(fmt).join(' | ')}`
        r.notes = jobFindings
          .filter((f) => LIFETIME_RULES.has(f.ruleId) && f.severity === 'notice')
          .map(fmt)
        break
      }
      case 'STATIC': {
        const near = (f) =>
          f.ruleId === STATIC_RULE &&
          sameFile(e.file, f.file) &&
          (onStep(dir, f, e.file, e.anchor_line) || Math.abs(f.line - e.anchor_line) <= 3)
        const hit = findings.filter(near)
        r.ok = hit.length > 0
        r.detail = r.ok
          ? hit.map(fmt).join('\n      ')
          : `no ${STATIC_RULE} finding on the key's step` +
            (jobFindings.length ? `; in the job: ${jobFindings.map(fmt).join(' | ')}` : '')
        break
      }
      case 'FP-CONTROL': {
        const bad = jobFindings.filter((f) => f.ruleId === STATIC_RULE && atLeast(f, 'warning'))
        r.ok = bad.length === 0
        r.detail = r.ok ? '' : `flagged a local test credential: ${bad.map(fmt).join(' | ')}`
        break
      }
      default:
        r.ok = false
        r.detail = `unknown label ${e.label}`
    }
    results.push(r)
  }
}

const where = (r) =>
  `${r.caseId}/${r.entry.file}:${r.entry.anchor_line}${r.entry.job ? ` (job ${r.entry.job})` : ''}`
const targets = results.filter((r) => !r.stretch)
const stretch = results.filter((r) => r.stretch)

console.log(`Labelled workflows: ${labeledDir}`)
console.log(`Scanner: ${scanCmd}\n`)
console.log('label        met/expected  target')
const TARGET_TEXT = {
  'RISKY-HIGH': 'flagged (warning+) on the anchor step',
  'RISKY-MED': 'flagged (warning+) on the anchor step',
  'RISKY-LOW': 'at most a notice on the anchor step',
  MITIGATED: 'no lifetime warning/error in the job',
  RIGHT: 'no lifetime warning/error in the job',
  STATIC: `${STATIC_RULE} within 3 lines of the key / on its step`,
  'FP-CONTROL': `no ${STATIC_RULE} warning/error`
}
for (const label of LABEL_ORDER) {
  const rs = targets.filter((r) => r.entry.label === label)
  if (!rs.length) continue
  console.log(
    `${label.padEnd(12)} ${String(rs.filter((r) => r.ok).length).padStart(3)}/${String(rs.length).padEnd(10)} ${TARGET_TEXT[label]}`
  )
}
const misses = targets.filter((r) => !r.ok)
console.log(`\nTargets met: ${targets.length - misses.length}/${targets.length}`)
if (misses.length) {
  console.log('\nMisses:')
  for (const r of misses) {
    console.log(`  ${r.entry.label} ${where(r)}`)
    console.log(`      why labelled: ${r.entry.why}`)
    console.log(`      found: ${r.detail}`)
  }
}
const withNotes = targets.filter((r) => r.notes.length)
if (withNotes.length) {
  console.log('\nNotices (allowed, listed for review):')
  for (const r of withNotes)
    for (const n of r.notes) console.log(`  ${r.entry.label} ${where(r)}: ${n}`)
}
if (stretch.length) {
  console.log(
    `\nStretch (needs_expansion: the late use is in a script, a Makefile or another repository): ${stretch.filter((r) => r.ok).length}/${stretch.length} flagged`
  )
  for (const r of stretch)
    console.log(
      `  ${r.ok ? 'flagged' : 'not flagged'} ${r.entry.label} ${where(r)}${verbose || r.ok ? `\n      ${r.ok ? r.detail : r.entry.why}` : ''}`
    )
}
if (verbose) {
  console.log('\nMet targets:')
  for (const r of targets.filter((x) => x.ok))
    console.log(`  ${r.entry.label} ${where(r)}${r.detail ? `\n      ${r.detail}` : ''}`)
}
process.exit(misses.length ? 1 : 0)
