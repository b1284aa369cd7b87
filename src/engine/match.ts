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
  Slot,
  StepCtx,
  StepPred
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
  const n = rule.aliases.length
  const steps = job.steps
  if (steps.length < n) return [] // each alias is bound to a step before the next one's
  // Steps where an earlier alias can never be bound, and the first position the last alias's step
  // can have: a job with no possible step for an earlier alias (no authentication step, say) needs
  // no test of the last alias's predicate on any of its steps.
  let possible: Uint8Array[] | undefined
  let start = n - 1
  if (n > 1) {
    possible = []
    for (let i = 0; i < n - 1; i++) {
      const flags = possibleSteps(rule.aliases[i].where, job)
      if (!flags) return []
      possible.push(flags.steps)
      start = Math.max(start, flags.first + (n - 1 - i))
    }
  }
  const out: RawFinding[] = []
  const reported = new Set<number>()
  const last = rule.aliases[n - 1]
  const probe: EvalEnv = { job, b: { steps: {}, hits: {} } }
  const scratch: Slot = {}
  for (let c = start; c < steps.length; c++) {
    const cand = steps[c]
    // the last alias's predicate refers to no alias: test it before allocating anything
    scratch.hit = undefined
    if (!last.where.test(cand, probe, scratch)) continue
    const b: Bindings = { steps: {}, hits: {} }
    const env: EvalEnv = { job, b }
    const slot: { hit?: CatalogHit } = {}
    last.where.test(cand, env, slot)
    b.steps[last.name] = cand
    b.hits[last.name] = slot.hit
    if (possible && !bindEarlier(rule, env, n - 1, possible)) continue
    const rep = b.steps[rule.report]
    if (reported.has(rep.pos)) continue
    const o: Out = { between: {} }
    if (!allConds(rule.conditions, env, o)) continue
    let severity = rule.severity
    if (rule.levels) {
      let found: Severity | undefined
      for (const level of rule.levels) {
        const scratchOut = cloneOut(o)
        if (allConds(level.when, env, scratchOut)) {
          Object.assign(o.between, scratchOut.between)
          if (scratchOut.time) o.time = scratchOut.time
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

/**
 * Bindings that notice being read. A predicate that fails on a step without reading any binding
 * fails there whatever the later aliases are bound to (predicates are functions of the step and the
 * bindings), so that step can never be bound to its alias.
 */
let bindingsRead = false
const EMPTY_BINDINGS: Bindings = { steps: {}, hits: {} }
const WATCHED_BINDINGS: Bindings = new Proxy(EMPTY_BINDINGS, {
  get(target, key) {
    bindingsRead = true
    return Reflect.get(target, key)
  },
  has(target, key) {
    bindingsRead = true
    return Reflect.has(target, key)
  },
  ownKeys(target) {
    bindingsRead = true
    return Reflect.ownKeys(target)
  },
  getOwnPropertyDescriptor(target, key) {
    bindingsRead = true
    return Reflect.getOwnPropertyDescriptor(target, key)
  }
})

/**
 * For an alias that is not the last: which steps of the job could be bound to it (1) and the first
 * of them; undefined when none can. Binding-free predicates are cached per step, so this costs what
 * binding the alias would.
 */
function possibleSteps(
  where: StepPred,
  job: JobCtx
): { steps: Uint8Array; first: number } | undefined {
  const steps = job.steps
  const flags = new Uint8Array(steps.length)
  const env: EvalEnv = { job, b: where.dynamic ? WATCHED_BINDINGS : EMPTY_BINDINGS }
  const slot: Slot = {}
  let first = -1
  for (let j = 0; j < steps.length; j++) {
    bindingsRead = false
    slot.hit = undefined
    let ok: boolean
    try {
      ok = where.test(steps[j], env, slot) || bindingsRead
    } catch {
      ok = true // let the real evaluation say what it does
    }
    if (ok) {
      flags[j] = 1
      if (first < 0) first = j
    }
  }
  return first < 0 ? undefined : { steps: flags, first }
}

/** Binds aliases n-1 … 0, each to the nearest earlier step that matches its predicate. */
function bindEarlier(
  rule: CompiledRule,
  env: EvalEnv,
  from: number,
  possible: Uint8Array[]
): boolean {
  for (let i = from - 1; i >= 0; i--) {
    const alias = rule.aliases[i]
    const can = possible[i]
    const later = env.b.steps[rule.aliases[i + 1].name]
    let bound = false
    for (let j = later.pos - 1; j >= 0; j--) {
      if (can[j] === 0) continue
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
