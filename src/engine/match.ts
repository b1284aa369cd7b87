/** Evaluates one compiled rule on one job: binds aliases, checks conditions, picks the severity, fills the text. */
import type { FileRange, RelatedLocation, Severity } from '../types.js'
import type { Step } from '../workflow/model.js'
import { allConds, cloneOut, computeTime } from './compile.js'
import { stepLocation } from './facts.js'
import type {
  Bindings,
  CatalogHit,
  CompiledRule,
  EvalEnv,
  FillCtx,
  JobCtx,
  Out,
  StepCtx
} from './compiled.js'

/** A finding before config, markers and sorting; keeps what those later stages need. */
export interface RawFinding {
  rule: CompiledRule
  severity: Severity
  location: FileRange
  message: string
  recommendation: string
  job: string
  step?: Step
  related: RelatedLocation[]
  /** The quick-fix marker on the reported step (rules with `quick-fix: true`). */
  quickFix?: QuickFixInfo
}

/** A quick-fix marker that applies to a step (looked up by the scan). */
export interface QuickFixInfo {
  expires?: string
  ref?: string
}

export function evaluateRule(
  rule: CompiledRule,
  job: JobCtx,
  quickFixFor: (step: Step) => QuickFixInfo | undefined
): RawFinding[] {
  if (rule.job && !rule.job.test(job)) return []
  if (rule.aliases.length === 0) return evaluateJobRule(rule, job)
  const out: RawFinding[] = []
  const reported = new Set<number>()
  const n = rule.aliases.length
  const last = rule.aliases[n - 1]
  const probe: EvalEnv = { job, b: { steps: {}, hits: {} } }
  for (const cand of job.steps) {
    // the last alias's predicate refers to no alias: test it before allocating anything
    if (!last.where.test(cand, probe, {})) continue
    const b: Bindings = { steps: {}, hits: {} }
    const env: EvalEnv = { job, b }
    const slot: { hit?: CatalogHit } = {}
    last.where.test(cand, env, slot)
    b.steps[last.name] = cand
    b.hits[last.name] = slot.hit
    if (!bindEarlier(rule, env, n - 1)) continue
    const rep = b.steps[rule.report]
    if (reported.has(rep.pos)) continue
    const o: Out = { between: {} }
    if (!allConds(rule.conditions, env, o)) continue
    let severity = rule.severity
    if (rule.levels) {
      let found: Severity | undefined
      for (const level of rule.levels) {
        const scratch = cloneOut(o)
        if (allConds(level.when, env, scratch)) {
          Object.assign(o.between, scratch.between)
          if (scratch.time) o.time = scratch.time
          found = level.severity
          break
        }
      }
      if (!found) continue
      severity = found
    }
    reported.add(rep.pos)
    const qf = rule.quickFix ? quickFixFor(rep.step) : undefined
    out.push(makeFinding(rule, env, o, rep, severity, qf))
  }
  return out
}

/** Binds aliases n-1 … 0, each to the nearest earlier step that matches its predicate. */
function bindEarlier(rule: CompiledRule, env: EvalEnv, from: number): boolean {
  for (let i = from - 1; i >= 0; i--) {
    const alias = rule.aliases[i]
    const later = env.b.steps[rule.aliases[i + 1].name]
    let bound = false
    for (let j = later.pos - 1; j >= 0; j--) {
      const s = env.job.steps[j]
      const slot: { hit?: CatalogHit } = {}
      if (alias.where.test(s, env, slot)) {
        env.b.steps[alias.name] = s
        env.b.hits[alias.name] = slot.hit
        bound = true
        break
      }
    }
    if (!bound) return false
  }
  return true
}

function fillCtx(rule: CompiledRule, env: EvalEnv, o: Out, qf?: QuickFixInfo): FillCtx {
  return {
    env,
    out: o,
    time: () => (rule.firstTime ? computeTime(rule.firstTime, env) : undefined),
    expires: qf?.expires,
    ref: qf?.ref
  }
}

function makeFinding(
  rule: CompiledRule,
  env: EvalEnv,
  o: Out,
  rep: StepCtx,
  severity: Severity,
  qf: QuickFixInfo | undefined
): RawFinding {
  const alias = rule.aliases.find((a) => a.name === rule.report)!
  const f = fillCtx(rule, env, o, qf)
  const related: RelatedLocation[] = []
  const seen = new Set<number>([rep.pos])
  for (const a of rule.aliases) {
    const s = env.b.steps[a.name]
    if (!s || seen.has(s.pos)) continue
    seen.add(s.pos)
    related.push({ label: s.step.label, ...stepLocation(s.step) })
  }
  return {
    rule,
    severity,
    location: stepLocation(rep.step, alias.where.withKeys, alias.where.envKeys),
    message: rule.message(f),
    recommendation: rule.recommendation(f),
    job: env.job.job.id,
    step: rep.step,
    related,
    quickFix: qf
  }
}

function evaluateJobRule(rule: CompiledRule, job: JobCtx): RawFinding[] {
  const env: EvalEnv = { job, b: { steps: {}, hits: {} } }
  const o: Out = { between: {} }
  if (!allConds(rule.conditions, env, o)) return []
  let severity = rule.severity
  if (rule.levels) {
    const level = rule.levels.find((l) => allConds(l.when, env, cloneOut(o)))
    if (!level) return []
    severity = level.severity
  }
  const f = fillCtx(rule, env, o)
  return [
    {
      rule,
      severity,
      location: job.job.range,
      message: rule.message(f),
      recommendation: rule.recommendation(f),
      job: job.job.id,
      related: []
    }
  ]
}
