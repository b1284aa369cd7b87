/**
 * `test-rules`: runs every rule's examples (`<dir>/<id>.examples/`) and compares the findings with the
 * expectation comments in them (docs/rule-format.md "Examples that prove a rule").
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { defaultConfig } from '../config/config.js'
import type { Config } from '../engine/api.js'
import { internalOf } from '../engine/compiled.js'
import { scan } from '../engine/scan.js'
import type { Finding } from '../types.js'
import { exampleSets, readExpectations, readLines, readNow } from './examples.js'
import { loadRuleSet } from './load.js'

export interface RuleTestOptions {
  /** The built-in rules folder: its catalog (and rules, for skip-if-reported) are loaded too. */
  builtinDir?: string
  /** The clock for examples without a `# now:` header (default: the current time). */
  now?: Date
  config?: Config
  /** Resolves relative `dirs` (default: cwd). */
  root?: string
}

export interface ExampleFileResult {
  /** Relative to the rule's examples folder. */
  file: string
  ok: boolean
  /** One line per difference: `missing: …` / `unexpected: …` / `problem: …`. */
  diff: string[]
}

export interface RuleTestResult {
  id: string
  /** The rule file. */
  file: string
  ok: boolean
  examples: ExampleFileResult[]
  /** Why the rule failed as a whole (no examples, nothing expected). */
  error?: string
}

export interface RuleTestReport {
  ok: boolean
  passed: number
  failed: number
  rules: RuleTestResult[]
}

/** Runs the examples of every rule in `dirs`. Throws UserError when a rule or catalog file is broken. */
export function runRuleTests(dirs: string[], opts: RuleTestOptions = {}): RuleTestReport {
  const root = opts.root ?? process.cwd()
  const config = opts.config ?? defaultConfig()
  const ruleSet = loadRuleSet({
    builtinDir: opts.builtinDir,
    dirs,
    config: { ...config, rules: [] },
    root
  })
  const wanted = new Set(dirs.map((d) => resolve(root, d)))
  const results: RuleTestResult[] = []
  for (const rule of internalOf(ruleSet).rules) {
    if (!wanted.has(rule.dir)) continue
    results.push(
      testRule(rule.info.id, rule.file, rule.dir, ruleSet, config, opts.now ?? new Date())
    )
  }
  results.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const failed = results.filter((r) => !r.ok).length
  return { ok: failed === 0, passed: results.length - failed, failed, rules: results }
}

function testRule(
  id: string,
  file: string,
  dir: string,
  ruleSet: ReturnType<typeof loadRuleSet>,
  config: Config,
  defaultNow: Date
): RuleTestResult {
  const examplesDir = join(dir, `${id}.examples`)
  const sets = exampleSets(examplesDir)
  if (sets.length === 0)
    return {
      id,
      file,
      ok: false,
      examples: [],
      error: `no examples: add workflows to ${id}.examples/`
    }
  const examples: ExampleFileResult[] = []
  let expectsRule = false
  for (const set of sets) {
    const read = (p: string): string | undefined => {
      try {
        return readFileSync(join(set.root, p), 'utf8')
      } catch {
        return undefined
      }
    }
    // each workflow is scanned with its own clock; findings are gathered by file
    const byFile = new Map<string, Finding[]>()
    const seen = new Set<string>()
    for (const wf of set.workflows) {
      const text = read(wf) ?? ''
      const day = readNow(text.split(/\r?\n/))
      const now = day ? new Date(`${day}T12:00:00Z`) : defaultNow
      const result = scan({ files: [{ path: wf, text }], readFile: read, ruleSet, config, now })
      for (const f of result.findings) {
        const key = `${f.ruleId}\0${f.file}\0${f.line}\0${f.column}`
        if (seen.has(key)) continue
        seen.add(key)
        byFile.set(f.file, [...(byFile.get(f.file) ?? []), f])
      }
    }
    for (const checked of set.checked) {
      const { expectations, problems } = readExpectations(readLines(join(set.root, checked)))
      const findings = byFile.get(checked) ?? []
      if (expectations.some((e) => e.kind === 'expect' && e.rule === id)) expectsRule = true
      if (!set.workflows.includes(checked) && expectations.length === 0 && findings.length === 0)
        continue
      const diff = problems.map((p) => `problem: ${p}`)
      for (const e of expectations) {
        const at = findings.filter((f) => f.ruleId === e.rule && f.line === e.line)
        if (e.kind === 'expect') {
          if (!at.some((f) => !e.severity || f.severity === e.severity))
            diff.push(
              `missing: ${e.rule} line ${e.line}${e.severity ? ` ${e.severity}` : ''}${at.length ? ` (found ${at.map((f) => f.severity).join(', ')})` : ''}`
            )
        } else {
          for (const f of at)
            diff.push(
              `unexpected: ${f.ruleId} line ${f.line} ${f.severity}: ${f.message} (marked ok)`
            )
        }
      }
      for (const f of findings) {
        if (f.ruleId !== id && f.ruleId !== 'parse-error' && f.ruleId !== 'invalid-workflow')
          continue
        const expected = expectations.some(
          (e) =>
            e.kind === 'expect' &&
            e.rule === f.ruleId &&
            e.line === f.line &&
            (!e.severity || e.severity === f.severity)
        )
        const okLine = expectations.some(
          (e) => e.kind === 'ok' && e.rule === f.ruleId && e.line === f.line
        )
        if (!expected && !okLine)
          diff.push(`unexpected: ${f.ruleId} line ${f.line} ${f.severity}: ${f.message}`)
      }
      examples.push({ file: `${set.prefix}${checked}`, ok: diff.length === 0, diff })
    }
  }
  const ok = examples.every((e) => e.ok) && expectsRule
  return {
    id,
    file,
    ok,
    examples,
    ...(expectsRule
      ? {}
      : { error: `no example expects a finding of ${id} (add \`# expect: ${id}\`)` })
  }
}

/** Plain text: one line per rule, the differences of failing examples indented below it. */
export function formatRuleTestReport(report: RuleTestReport): string {
  const out: string[] = []
  for (const r of report.rules) {
    out.push(
      `${r.ok ? 'PASS' : 'FAIL'} ${r.id} (${r.examples.length} example file${r.examples.length === 1 ? '' : 's'})`
    )
    if (r.error) out.push(`  ${r.error}`)
    for (const e of r.examples) {
      if (e.ok) continue
      out.push(`  ${e.file}`)
      for (const d of e.diff) out.push(`    ${d}`)
    }
  }
  out.push(`${report.passed} passed, ${report.failed} failed`)
  return out.join('\n') + '\n'
}
