/** The compiled (internal) form of rules and the catalog, and the evaluation contexts. */
import type { RuleInfo, Severity } from '../types.js'
import type { Job, Step, Workflow } from '../workflow/model.js'
import type { RuleSet } from './api.js'

export type CatalogKind = 'auth' | 'secret-read' | 'cloud-use' | 'refresh' | 'duration'
export const CATALOG_KINDS: CatalogKind[] = [
  'auth',
  'secret-read',
  'cloud-use',
  'refresh',
  'duration'
]

/** A duration in minutes, or where it came from. */
export interface LifetimeSpec {
  input?: string
  unit: 'seconds' | 'minutes'
  /** Minutes. */
  default?: number
  max?: number
  caps: { where: StepPred; max: number; reason?: string }[]
}

export interface CatalogEntry {
  kind: CatalogKind
  id: string
  provider?: string
  category?: string
  minutes?: number
  where: StepPred
  modes?: { mode: string; where: StepPred }[]
  lifetime?: LifetimeSpec | 'refreshing'
  /** Every scalar field as a string (`id`, `provider`, `category`, and extras such as `store`). */
  fields: Record<string, string>
  /** The file the entry was read from. */
  source: string
}

/** A step matched to a catalog entry (with the auth mode, when the entry has modes). */
export interface CatalogHit {
  entry: CatalogEntry
  mode?: string
}

export interface CompiledCatalog {
  entries: Record<CatalogKind, CatalogEntry[]>
  defaultMinutes: number
  /** The entries of each kind a step may match, by its `uses` (see `candidates` in facts.ts). */
  candidates?: Partial<Record<CatalogKind, Map<string | undefined, CatalogEntry[]>>>
}

/** The field names catalog entries of each kind have (`mode` for auth), for checking rules at load. */
export function catalogFieldNames(c: CompiledCatalog): Record<CatalogKind, Set<string>> {
  const out = {} as Record<CatalogKind, Set<string>>
  for (const kind of CATALOG_KINDS) {
    const names = new Set<string>(['id'])
    if (kind === 'auth') names.add('mode')
    for (const e of c.entries[kind]) for (const k of Object.keys(e.fields)) names.add(k)
    out[kind] = names
  }
  return out
}

/** What a predicate that held remembers: the catalog entry that made it hold. */
export interface Slot {
  hit?: CatalogHit
}

/** Per step of a job being evaluated: lazily computed facts shared by every rule. */
export interface StepCtx {
  step: Step
  /** Position in the job's step list. */
  pos: number
  /** Results of alias-free predicates by uid: false, or the catalog hit (null when none). */
  cache: (CatalogHit | null | false | undefined)[]
  hits: Partial<Record<CatalogKind, CatalogHit[]>>
  estimate?: number
  text?: string
}

export interface JobCtx {
  workflow: Workflow
  job: Job
  steps: StepCtx[]
  catalog: CompiledCatalog
}

export interface Bindings {
  steps: Record<string, StepCtx>
  hits: Record<string, CatalogHit | undefined>
}

export interface EvalEnv {
  job: JobCtx
  b: Bindings
}

export interface StepPred {
  uid: number
  /** True when the predicate refers to bound aliases (then it is not cached). */
  dynamic: boolean
  /** `with` / `env` keys it tests for presence or value (for the finding's location). */
  withKeys: string[]
  envKeys: string[]
  /**
   * A necessary condition, when the predicate has one: it can hold only on a step whose `uses`
   * (the action's name, or the reference as written) passes this test. Lets the catalog try only
   * the entries a step's action can match.
   */
  usesGate?: (subject: string) => boolean
  test(s: StepCtx, env: EvalEnv, slot: Slot): boolean
}

export interface JobPred {
  test(job: JobCtx): boolean
}

export interface TimeValues {
  estimate: number
  bound: number
  /** Minutes; Infinity for a refreshing credential; undefined when unknown. */
  lifetime?: number
  lifetimeSource?: string
}

/** What evaluating conditions exposes to placeholders. */
export interface Out {
  between: Record<string, StepCtx[]>
  time?: TimeValues
}

export interface Cond {
  test(env: EvalEnv, out: Out): boolean
}

export interface TimeSpec {
  from: string
  to: string
  lifetimeOf?: string
  /** Count the `to` step's own minutes too (a use at the end of a long step). */
  inclusive?: boolean
}

export interface FillCtx {
  env: EvalEnv
  out: Out
  /** Computes time values for placeholders when no evaluated condition did. */
  time: () => TimeValues | undefined
  expires?: string
  ref?: string
}

export type Template = (ctx: FillCtx) => string

export interface CompiledRule {
  info: RuleInfo
  file: string
  /** The folder the rule was loaded from. */
  dir: string
  title: string
  severity: Severity
  job?: JobPred
  aliases: { name: string; where: StepPred }[]
  report: string
  conditions: Cond[]
  levels?: { severity: Severity; when: Cond[] }[]
  firstTime?: TimeSpec
  quickFix: boolean
  skipIfReported: string[]
  message: Template
  /** The message as written, with its placeholders (for the docs). */
  rawMessage: string
  recommendation: Template
}

export const INTERNAL: unique symbol = Symbol('prevent-similar-bugs.compiled')

export interface LoadedRuleSet extends RuleSet {
  [INTERNAL]: { rules: CompiledRule[]; catalog: CompiledCatalog }
}

export function internalOf(rs: RuleSet): { rules: CompiledRule[]; catalog: CompiledCatalog } {
  const i = (rs as Partial<LoadedRuleSet>)[INTERNAL]
  if (!i) throw new Error('rule set was not made by loadRuleSet')
  return i
}
