/** Facts about steps computed once per step and shared by every rule: catalog hits, estimates, lifetimes. */
import type { Job, Scalar, Step, Workflow } from '../workflow/model.js'
import type { FileRange } from '../types.js'
import type {
  CatalogEntry,
  CatalogHit,
  CatalogKind,
  CompiledCatalog,
  EvalEnv,
  JobCtx,
  LifetimeSpec,
  Slot,
  StepCtx,
  TimeValues
} from './compiled.js'

const NO_BINDINGS = { steps: {}, hits: {} }

export function jobContext(workflow: Workflow, job: Job, catalog: CompiledCatalog): JobCtx {
  return {
    workflow,
    job,
    catalog,
    steps: job.steps.map((step, pos) => ({ step, pos, cache: [], hits: {} }))
  }
}

const MAX_CANDIDATE_KEYS = 10_000

/**
 * The entries of a kind that may match a step, in catalog order: those whose predicate has no gate
 * on `uses`, and those whose gate lets the step's `uses` through. Remembered per `uses` (the same
 * actions recur in every workflow), so a step meets only the entries its action can match.
 */
function candidates(catalog: CompiledCatalog, kind: CatalogKind, step: Step): CatalogEntry[] {
  const u = step.uses
  const subject = u === undefined ? undefined : u.kind === 'action' ? u.name : u.raw
  const byKind = (catalog.candidates ??= {})
  const memo = (byKind[kind] ??= new Map())
  let list = memo.get(subject)
  if (list === undefined) {
    list = catalog.entries[kind].filter((e) => {
      const gate = e.where.usesGate
      return gate === undefined || (subject !== undefined && gate(subject))
    })
    if (memo.size < MAX_CANDIDATE_KEYS) memo.set(subject, list)
  }
  return list
}

/** The catalog entries of a kind that match the step (auth entries with their mode). */
export function catalogHits(s: StepCtx, kind: CatalogKind, job: JobCtx): CatalogHit[] {
  const done = s.hits[kind]
  if (done) return done
  const env: EvalEnv = { job, b: NO_BINDINGS }
  const hits: CatalogHit[] = []
  const slot: Slot = {}
  for (const entry of candidates(job.catalog, kind, s.step)) {
    slot.hit = undefined
    if (!entry.where.test(s, env, slot)) continue
    let mode: string | undefined
    if (entry.modes) {
      for (const m of entry.modes) {
        slot.hit = undefined
        if (m.where.test(s, env, slot)) {
          mode = m.mode
          break
        }
      }
    }
    hits.push({ entry, mode })
  }
  s.hits[kind] = hits
  return hits
}

/** The step's `run`, `with` and (step-level) `env` values, one per line. */
export function stepText(s: StepCtx): string {
  if (s.text === undefined) {
    const parts: string[] = []
    if (s.step.run) parts.push(s.step.run.text)
    for (const v of Object.values(s.step.with)) parts.push(v.value)
    for (const v of Object.values(s.step.env)) parts.push(v.value)
    s.text = parts.join('\n')
  }
  return s.text
}

/** Estimated minutes of one step: its duration categories' minutes summed, else the default; capped by its timeout. */
export function stepEstimate(s: StepCtx, job: JobCtx): number {
  if (s.estimate !== undefined) return s.estimate
  let minutes: number
  if (s.step.expanded) {
    minutes = 0 // the composite's own steps follow it and are counted
  } else {
    const seen = new Set<string>()
    minutes = 0
    for (const hit of catalogHits(s, 'duration', job)) {
      const cat = hit.entry.category ?? hit.entry.id
      if (seen.has(cat)) continue
      seen.add(cat)
      minutes += hit.entry.minutes ?? 0
    }
    if (seen.size === 0) minutes = job.catalog.defaultMinutes
    const t = s.step.timeoutMinutes
    if (typeof t === 'number' && t < minutes) minutes = t
  }
  s.estimate = minutes
  return minutes
}

export function jobTimeout(job: Job): number {
  return typeof job.timeoutMinutes === 'number' ? job.timeoutMinutes : 360
}

/** Estimated and bounding minutes of the steps strictly between two positions. */
export function timeBetween(
  job: JobCtx,
  from: number,
  to: number
): { estimate: number; bound: number } {
  const jt = jobTimeout(job.job)
  let estimate = 0
  let sum = 0
  let allTimed = true
  // Steps of one `parallel:` block overlap: the block takes as long as its longest step.
  let group: number | undefined
  let groupEstimate = 0
  let groupTimeout: number | undefined = 0
  const flush = () => {
    if (group === undefined) return
    estimate += groupEstimate
    if (groupTimeout === undefined) allTimed = false
    else sum += groupTimeout
    group = undefined
  }
  // Background steps run alongside the rest: their time counts where a `wait` joins them.
  const background = new Map<string, number>()
  for (let i = from + 1; i < to; i++) {
    const s = job.steps[i]
    const step = s.step
    if (step.parallelGroup !== group) flush()
    if (step.background) {
      background.set(step.id ?? `#${i}`, stepEstimate(s, job))
      continue
    }
    if (step.control) {
      if (step.control.kind !== 'cancel') {
        const ids = step.control.kind === 'wait-all' ? [...background.keys()] : step.control.ids
        let waited = 0
        for (const id of ids) waited = Math.max(waited, background.get(id) ?? 0)
        for (const id of ids) background.delete(id)
        estimate += waited
      } else for (const id of step.control.ids) background.delete(id)
      continue
    }
    const minutes = stepEstimate(s, job)
    const t = step.expanded ? 0 : step.timeoutMinutes
    if (step.parallelGroup !== undefined) {
      if (group === undefined) {
        group = step.parallelGroup
        groupEstimate = 0
        groupTimeout = 0
      }
      groupEstimate = Math.max(groupEstimate, minutes)
      groupTimeout =
        groupTimeout === undefined || typeof t !== 'number' ? undefined : Math.max(groupTimeout, t)
      continue
    }
    estimate += minutes
    if (step.expanded) continue
    if (typeof t === 'number') sum += t
    else allTimed = false
  }
  flush()
  const bound = to - from <= 1 ? 0 : allTimed ? Math.min(sum, jt) : jt
  return { estimate, bound: Math.min(bound, jt) }
}

export function fmtMinutes(n: number): string {
  if (n === Infinity) return 'unlimited'
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 10) / 10)
}

/** Parses `3600`, `"3600s"`, `"90m"`, `"2h"`, `"1h30m"` into minutes; bare numbers are in `unit`. */
export function parseDuration(
  value: string | number,
  unit: 'seconds' | 'minutes'
): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0
      ? unit === 'seconds'
        ? value / 60
        : value
      : undefined
  const v = value.trim().toLowerCase()
  let m = /^(\d+(?:\.\d+)?)\s*([smh]?)$/.exec(v)
  if (m) {
    const n = Number(m[1])
    const u = m[2] || (unit === 'seconds' ? 's' : 'm')
    return u === 's' ? n / 60 : u === 'm' ? n : n * 60
  }
  m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v)
  if (m && v !== '') return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) + Number(m[3] ?? 0) / 60
  return undefined
}

/** The lifetime, in minutes, of the credential an auth step obtains, and a sentence saying where it comes from. */
export function lifetimeOf(
  s: StepCtx,
  hit: CatalogHit | undefined,
  job: JobCtx
): { minutes?: number; source: string } {
  if (!hit || hit.entry.kind !== 'auth')
    return { source: `\`${s.step.label}\` is not a known authentication step` }
  const spec = hit.entry.lifetime
  if (spec === 'refreshing') return { minutes: Infinity, source: 'the credential refreshes itself' }
  if (!spec) return { source: `the catalog gives no lifetime for \`${hit.entry.id}\`` }
  return computeLifetime(s, spec, job)
}

function computeLifetime(
  s: StepCtx,
  spec: LifetimeSpec,
  job: JobCtx
): { minutes?: number; source: string } {
  const def = spec.default
  const defText =
    def === undefined ? 'no default is known' : `the default is ${fmtMinutes(def)} min`
  let minutes: number | undefined
  let source: string
  const input: Scalar | undefined = spec.input ? s.step.with[spec.input] : undefined
  if (!spec.input) {
    minutes = def
    source = def === undefined ? 'no lifetime is known' : `the lifetime is ${fmtMinutes(def)} min`
  } else if (!input) {
    minutes = def
    source = `\`${spec.input}\` is not set; ${defText}`
  } else if (input.isExpression) {
    minutes = def
    source = `\`${spec.input}\` is an expression (\`${input.value}\`), counted as the default: ${def === undefined ? 'unknown' : `${fmtMinutes(def)} min`}`
  } else {
    const parsed = parseDuration(input.value, spec.unit)
    if (parsed === undefined) {
      minutes = def
      source = `\`${spec.input}: ${input.value}\` is not a duration, counted as the default: ${def === undefined ? 'unknown' : `${fmtMinutes(def)} min`}`
    } else {
      minutes = parsed
      source = `\`${spec.input}: ${input.value}\` (${fmtMinutes(parsed)} min)`
    }
  }
  if (minutes === undefined) return { source }
  if (spec.max !== undefined && minutes > spec.max) {
    minutes = spec.max
    source += `, capped at the maximum of ${fmtMinutes(spec.max)} min`
  }
  const env: EvalEnv = { job, b: NO_BINDINGS }
  for (const cap of spec.caps) {
    if (!cap.where.test(s, env, {})) continue
    if (minutes > cap.max) {
      minutes = cap.max
      source += `, capped at ${fmtMinutes(cap.max)} min${cap.reason ? ` (${cap.reason})` : ''}`
    }
    break
  }
  return { minutes, source }
}

/** The catalog hit an alias stands for: the one its predicate matched, else the first of any kind. */
export function aliasHit(env: EvalEnv, alias: string): CatalogHit | undefined {
  const bound = env.b.hits[alias]
  if (bound) return bound
  const s = env.b.steps[alias]
  if (!s) return undefined
  for (const kind of ['auth', 'secret-read', 'cloud-use', 'refresh'] as const) {
    const h = catalogHits(s, kind, env.job)[0]
    if (h) return h
  }
  return undefined
}

/** The range a finding about a step points at: a tested `with`/`env` key, else `uses:`/`run:`, else the step. */
export function stepLocation(
  step: Step,
  withKeys: string[] = [],
  envKeys: string[] = []
): FileRange {
  for (const k of withKeys) {
    const v = step.with[k]
    if (v) return v.keyRange ?? v.range
  }
  for (const k of envKeys) {
    const v = step.env[k]
    if (v) return v.keyRange ?? v.range
  }
  if (step.uses) return step.uses.range
  if (step.run) return step.run.range
  return step.range
}

export const FIELD_NAMES = [
  'label',
  'line',
  'file',
  'uses',
  'provider',
  'mode',
  'id',
  'name',
  'category',
  'entry'
]

/** Is `field` something an alias has (`label`, `with.INPUT`, a catalog entry's field, …)? */
export function isAliasField(field: string, catalogFields: Set<string> = new Set()): boolean {
  return (
    FIELD_NAMES.includes(field) || catalogFields.has(field) || /^(with|env)\.[^.\s]+$/.test(field)
  )
}

/** The value of `alias.field` for `$alias.field` references and placeholders; undefined when it has none. */
export function aliasField(env: EvalEnv, alias: string, field: string): string | undefined {
  const s = env.b.steps[alias]
  if (!s) return undefined
  const step = s.step
  switch (field) {
    case 'label':
      return step.label
    case 'name':
      return step.name
    case 'line':
      return String(stepLocation(step).line)
    case 'file':
      return step.file
    case 'uses':
      return step.uses?.raw
    case 'id':
      return step.id
    case 'provider':
      return aliasHit(env, alias)?.entry.provider
    case 'mode':
      return aliasHit(env, alias)?.mode
    case 'category':
      return aliasHit(env, alias)?.entry.category
    case 'entry':
      return aliasHit(env, alias)?.entry.id
  }
  if (field.startsWith('with.')) return step.with[field.slice(5)]?.value
  if (field.startsWith('env.')) return step.effectiveEnv[field.slice(4)]?.value
  return aliasHit(env, alias)?.entry.fields[field]
}

export type { Slot, TimeValues }
