/**
 * Turns validated rule and catalog data into closures. Every pattern is compiled here, once; errors
 * (bad pattern, unknown alias or placeholder) name the file and line.
 */
import { Minimatch } from 'minimatch'
import type { Severity } from '../types.js'
import type { Scalar } from '../workflow/model.js'
import type { DataPath, YamlSource } from '../rules/yaml-source.js'
import { compilePattern, type Pattern } from './pattern.js'
import {
  aliasField,
  catalogHits,
  fmtMinutes,
  isAliasField,
  jobTimeout,
  lifetimeOf,
  parseDuration,
  stepLocation,
  stepText,
  timeBetween
} from './facts.js'
import type {
  CatalogEntry,
  CatalogHit,
  CatalogKind,
  CompiledRule,
  Cond,
  EvalEnv,
  FillCtx,
  JobCtx,
  JobPred,
  LifetimeSpec,
  Out,
  StepCtx,
  StepPred,
  Template,
  TimeSpec,
  TimeValues
} from './compiled.js'

type Obj = Record<string, unknown>

/** Deduplicates alias-free predicates so their results are cached per step across rules and catalog. */
export class PredicateRegistry {
  private byKey = new Map<string, StepPred>()
  private next = 0
  uid(): number {
    return this.next++
  }
  get(key: string): StepPred | undefined {
    return this.byKey.get(key)
  }
  set(key: string, p: StepPred): void {
    this.byKey.set(key, p)
  }
}

export interface CompileCtx {
  src: YamlSource
  reg: PredicateRegistry
  /** Aliases a `$alias.field` may name here; empty in catalog files. */
  aliases: Set<string>
  what: string
  /** Field names of catalog entries by kind (known when rules compile, after the catalog). */
  catalogFields?: Record<CatalogKind, Set<string>>
}

function allCatalogFields(ctx: CompileCtx): Set<string> {
  const out = new Set<string>()
  for (const set of Object.values(ctx.catalogFields ?? {})) for (const f of set) out.add(f)
  return out
}

const REF = /^\$([A-Za-z_][A-Za-z0-9_]*)\.(.+)$/

function parseRef(
  ctx: CompileCtx,
  path: DataPath,
  v: unknown
): { alias: string; field: string } | undefined {
  if (typeof v !== 'string') return undefined
  const m = REF.exec(v)
  if (!m) return undefined
  if (!ctx.aliases.has(m[1]))
    throw ctx.src.error(
      path,
      ctx.what === 'a catalog entry'
        ? `\`$${m[1]}.${m[2]}\`: ${ctx.what} cannot refer to aliases`
        : `\`$${m[1]}\` is not an alias bound here (bound: ${[...ctx.aliases].join(', ') || 'none; an alias may name only the aliases after it'})`
    )
  if (!isAliasField(m[2], allCatalogFields(ctx)))
    throw ctx.src.error(path, `\`$${m[1]}.${m[2]}\`: unknown field \`${m[2]}\``)
  return { alias: m[1], field: m[2] }
}

function pattern(ctx: CompileCtx, path: DataPath, source: unknown): Pattern {
  try {
    return compilePattern(String(source))
  } catch (e) {
    throw ctx.src.error(path, (e as Error).message)
  }
}

function cmp(spec: Obj): (n: number) => boolean {
  const { gt, gte, lt, lte } = spec as Record<string, number | undefined>
  return (n) =>
    (gt === undefined || n > gt) &&
    (gte === undefined || n >= gte) &&
    (lt === undefined || n < lt) &&
    (lte === undefined || n <= lte)
}

function eqValue(actual: string, expected: string): boolean {
  if (actual === expected) return true
  const e = expected.toLowerCase()
  return (e === 'true' || e === 'false') && actual.toLowerCase() === e
}

type ValueTest = (sc: Scalar | undefined, env: EvalEnv) => boolean

function compileValue(
  ctx: CompileCtx,
  path: DataPath,
  v: unknown
): { test: ValueTest; dynamic: boolean } {
  if (v === true) return { test: (sc) => sc !== undefined, dynamic: false }
  if (v === false) return { test: (sc) => sc === undefined, dynamic: false }
  if (typeof v === 'string' || typeof v === 'number') {
    const ref = parseRef(ctx, path, v)
    if (ref) {
      return {
        dynamic: true,
        test: (sc, env) => {
          const want = aliasField(env, ref.alias, ref.field)
          return sc !== undefined && want !== undefined && eqValue(sc.value, want)
        }
      }
    }
    const want = String(v)
    return { test: (sc) => sc !== undefined && eqValue(sc.value, want), dynamic: false }
  }
  const o = v as Obj
  const tests: ((sc: Scalar) => boolean)[] = []
  if (o.equals !== undefined) {
    const want = String(o.equals)
    tests.push((sc) => eqValue(sc.value, want))
  }
  if (o.pattern !== undefined) {
    const p = pattern(ctx, [...path, 'pattern'], o.pattern)
    tests.push((sc) => p.test(sc.value))
  }
  if (o.number !== undefined) {
    const c = cmp(o.number as Obj)
    tests.push((sc) => {
      if (sc.isExpression || sc.value.trim() === '') return false
      const n = Number(sc.value)
      return Number.isFinite(n) && c(n)
    })
  }
  if (o.expression !== undefined) {
    const want = o.expression === true
    tests.push((sc) => sc.isExpression === want)
  }
  if (o.present === false) {
    if (tests.length)
      throw ctx.src.error(path, '`present: false` cannot be combined with other tests')
    return { test: (sc) => sc === undefined, dynamic: false }
  }
  return { test: (sc) => sc !== undefined && tests.every((t) => t(sc)), dynamic: false }
}

/** Glob matching of `uses` names, memoised per predicate (the same actions recur in every workflow). */
function globs(list: unknown): (subject: string) => boolean {
  const arr = (Array.isArray(list) ? list : [list]).map(
    (g) => new Minimatch(String(g), { nocase: true, dot: true })
  )
  const memo = new Map<string, boolean>()
  return (subject) => {
    let r = memo.get(subject)
    if (r === undefined) {
      r = arr.some((g) => g.match(subject))
      if (memo.size < 50_000) memo.set(subject, r)
    }
    return r
  }
}

function strList(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).map(String)
}

function hitField(hit: CatalogHit, field: string): string | undefined {
  if (field === 'mode') return hit.mode
  return hit.entry.fields[field]
}

interface Part {
  test: (s: StepCtx, env: EvalEnv, slot: { hit?: CatalogHit }) => boolean
  dynamic: boolean
  withKeys?: string[]
  envKeys?: string[]
  /** A condition the step's `uses` must meet for the part to hold (see `StepPred.usesGate`). */
  usesGate?: (subject: string) => boolean
}

/** All of them must hold: any one's gate is a gate of the whole. */
function allGate(xs: { usesGate?: (subject: string) => boolean }[]) {
  for (const x of xs) if (x.usesGate) return x.usesGate
  return undefined
}

/** One of them must hold: a gate only when each has one (and then any of them may open). */
function anyGate(xs: { usesGate?: (subject: string) => boolean }[]) {
  if (xs.length === 0 || xs.some((x) => !x.usesGate)) return undefined
  const gates = xs.map((x) => x.usesGate as (subject: string) => boolean)
  return (subject: string) => gates.some((g) => g(subject))
}

/** Compiles a step predicate (docs/rule-format.md "Step predicates"). */
export function compileStep(ctx: CompileCtx, path: DataPath, node: unknown): StepPred {
  const key = ctx.aliases.size === 0 ? JSON.stringify(node) : undefined
  if (key !== undefined) {
    const known = ctx.reg.get(key)
    if (known) return known
  }
  const o = node as Obj
  const parts: Part[] = []
  for (const [k, v] of Object.entries(o)) {
    const p = [...path, k]
    switch (k) {
      case 'uses': {
        const gs = globs(v)
        parts.push({
          dynamic: false,
          usesGate: gs,
          test: (s) => {
            const u = s.step.uses
            if (!u) return false
            return gs(u.kind === 'action' ? u.name : u.raw)
          }
        })
        break
      }
      case 'uses-ref': {
        const gs = globs(v)
        parts.push({
          dynamic: false,
          test: (s) => s.step.uses?.ref !== undefined && gs(s.step.uses.ref)
        })
        break
      }
      case 'with':
      case 'env': {
        const entries = Object.entries(v as Obj).map(([name, val]) => ({
          name,
          ...compileValue(ctx, [...p, name], val)
        }))
        const isEnv = k === 'env'
        parts.push({
          dynamic: entries.some((e) => e.dynamic),
          test: (s, env) => {
            const map = isEnv ? s.step.effectiveEnv : s.step.with
            return entries.every((e) => e.test(map[e.name], env))
          },
          ...(isEnv
            ? { envKeys: entries.map((e) => e.name) }
            : { withKeys: entries.map((e) => e.name) })
        })
        break
      }
      case 'run': {
        const re = pattern(ctx, p, v)
        parts.push({
          dynamic: false,
          test: (s) => s.step.run !== undefined && re.test(s.step.run.text)
        })
        break
      }
      case 'text': {
        const re = pattern(ctx, p, v)
        parts.push({ dynamic: false, test: (s) => re.test(stepText(s)) })
        break
      }
      case 'if': {
        if (typeof v === 'boolean')
          parts.push({ dynamic: false, test: (s) => (s.step.if !== undefined) === v })
        else {
          const re = pattern(ctx, p, v)
          parts.push({
            dynamic: false,
            test: (s) => s.step.if !== undefined && re.test(s.step.if.value)
          })
        }
        break
      }
      case 'name': {
        const re = pattern(ctx, p, v)
        parts.push({ dynamic: false, test: (s) => re.test(s.step.label) })
        break
      }
      case 'timeout': {
        const c = cmp(v as Obj)
        parts.push({
          dynamic: false,
          test: (s) => typeof s.step.timeoutMinutes === 'number' && c(s.step.timeoutMinutes)
        })
        break
      }
      case 'catalog':
        parts.push(compileCatalogPred(ctx, p, v as Obj))
        break
      case 'same-step-as':
      case 'not-same-step-as': {
        const alias = String(v)
        if (!ctx.aliases.has(alias))
          throw ctx.src.error(
            p,
            ctx.what === 'a catalog entry'
              ? `${ctx.what} cannot refer to aliases`
              : `\`${alias}\` is not an alias bound here (an alias's predicate may name only the aliases after it)`
          )
        const same = k === 'same-step-as'
        parts.push({ dynamic: true, test: (s, env) => (env.b.steps[alias] === s) === same })
        break
      }
      case 'expanded':
      case 'in-composite':
        parts.push({ dynamic: false, test: (s) => (s.step.expansion !== undefined) === v })
        break
      case 'all':
      case 'any': {
        const subs = (v as unknown[]).map((x, i) => compileStep(ctx, [...p, i], x))
        const all = k === 'all'
        parts.push({
          dynamic: subs.some((x) => x.dynamic),
          withKeys: subs.flatMap((x) => x.withKeys),
          envKeys: subs.flatMap((x) => x.envKeys),
          usesGate: all ? allGate(subs) : anyGate(subs),
          test: all
            ? (s, env, slot) => subs.every((x) => x.test(s, env, slot))
            : (s, env, slot) => subs.some((x) => x.test(s, env, slot))
        })
        break
      }
      case 'not': {
        const sub = compileStep(ctx, p, v)
        parts.push({ dynamic: sub.dynamic, test: (s, env) => !sub.test(s, env, {}) })
        break
      }
      default:
        throw ctx.src.error(path, `unknown key \`${k}\``, k)
    }
  }
  const dynamic = parts.some((x) => x.dynamic)
  const raw: Part['test'] =
    parts.length === 1 ? parts[0].test : (s, env, slot) => parts.every((x) => x.test(s, env, slot))
  const uid = ctx.reg.uid()
  const pred: StepPred = {
    uid,
    dynamic,
    usesGate: allGate(parts),
    withKeys: parts.flatMap((x) => x.withKeys ?? []),
    envKeys: parts.flatMap((x) => x.envKeys ?? []),
    test: dynamic
      ? raw
      : (s, env, slot) => {
          let c = s.cache[uid]
          if (c === undefined) {
            const own: { hit?: CatalogHit } = {}
            c = raw(s, env, own) ? (own.hit ?? null) : false
            s.cache[uid] = c
          }
          if (c === false) return false
          if (c !== null && slot.hit === undefined) slot.hit = c
          return true
        }
  }
  if (key !== undefined && !dynamic) ctx.reg.set(key, pred)
  return pred
}

function compileCatalogPred(ctx: CompileCtx, path: DataPath, o: Obj): Part {
  if (ctx.what === 'a catalog entry')
    throw ctx.src.error(path, 'a catalog entry cannot match on the catalog')
  const kind = o.kind as CatalogKind
  const fields: { field: string; values?: string[]; ref?: { alias: string; field: string } }[] = []
  for (const f of Object.keys(o)) {
    if (f === 'kind') continue
    const known = ctx.catalogFields?.[kind]
    if (known && !known.has(f))
      throw ctx.src.error(
        path,
        `no ${kind} catalog entry has a field \`${f}\` (fields: ${[...known].sort().join(', ')})`,
        f
      )
    const ref = parseRef(ctx, [...path, f], o[f])
    fields.push(ref ? { field: f, ref } : { field: f, values: strList(o[f]) })
  }
  return {
    dynamic: fields.some((f) => f.ref),
    test: (s, env, slot) => {
      for (const hit of catalogHits(s, kind, env.job)) {
        const ok = fields.every((f) => {
          const have = hitField(hit, f.field)
          if (have === undefined) return false
          if (f.ref) return have === aliasField(env, f.ref.alias, f.ref.field)
          return f.values!.includes(have)
        })
        if (ok) {
          if (slot.hit === undefined) slot.hit = hit
          return true
        }
      }
      return false
    }
  }
}

function effectiveLevel(job: JobCtx, scope: string): 'none' | 'read' | 'write' | undefined {
  const p = job.job.permissions
  switch (p.kind) {
    case 'map':
      return p.scopes[scope] ?? 'none'
    case 'read-all':
      return 'read'
    case 'write-all':
      return 'write'
    case 'default':
      return scope === 'id-token' ? 'none' : undefined
    case 'inherited':
      return undefined
  }
}

/** Compiles a job predicate (docs/rule-format.md "Job predicates"). */
export function compileJob(ctx: CompileCtx, path: DataPath, node: unknown): JobPred {
  const tests: ((j: JobCtx) => boolean)[] = []
  for (const [k, v] of Object.entries(node as Obj)) {
    const p = [...path, k]
    switch (k) {
      case 'permissions':
        for (const [scope, want] of Object.entries(v as Obj)) {
          const negative = typeof want === 'object' && want !== null && !Array.isArray(want)
          const levels = strList(negative ? (want as Obj).not : want)
          tests.push((j) => {
            const level = effectiveLevel(j, scope)
            if (level === undefined) return false
            return levels.includes(level) !== negative
          })
        }
        break
      case 'triggers': {
        const events = strList(v)
        tests.push((j) => j.workflow.triggers.some((t) => events.includes(t)))
        break
      }
      case 'timeout': {
        const c = cmp(v as Obj)
        tests.push((j) => typeof j.job.timeoutMinutes === 'number' && c(jobTimeout(j.job)))
        break
      }
      case 'reusable':
        tests.push((j) => (j.job.kind === 'reusable') === v)
        break
      case 'matrix':
        tests.push((j) => j.job.hasMatrix === v)
        break
      case 'kind':
        tests.push((j) => j.workflow.kind === v)
        break
      case 'all':
      case 'any': {
        const subs = (v as unknown[]).map((x, i) => compileJob(ctx, [...p, i], x))
        tests.push(
          k === 'all' ? (j) => subs.every((x) => x.test(j)) : (j) => subs.some((x) => x.test(j))
        )
        break
      }
      case 'not': {
        const sub = compileJob(ctx, p, v)
        tests.push((j) => !sub.test(j))
        break
      }
      default:
        throw ctx.src.error(path, `unknown key \`${k}\``, k)
    }
  }
  return { test: (j) => tests.every((t) => t(j)) }
}

type Operand = (lifetime: number | undefined) => number | undefined

function operand(v: unknown): { get: Operand; usesLifetime: boolean } {
  if (typeof v === 'number') return { get: () => v, usesLifetime: false }
  const m = /\*\s*([0-9.]+)/.exec(String(v))
  const f = m ? Number(m[1]) : 1
  return {
    get: (l) => (l === undefined ? undefined : l === Infinity ? Infinity : l * f),
    usesLifetime: true
  }
}

function timeCmp(spec: Obj): {
  test: (n: number, lifetime: number | undefined) => boolean
  usesLifetime: boolean
} {
  const ops = Object.entries(spec).map(([op, v]) => ({ op, ...operand(v) }))
  return {
    usesLifetime: ops.some((o) => o.usesLifetime),
    test: (n, lifetime) =>
      ops.every(({ op, get }) => {
        const x = get(lifetime)
        if (x === undefined) return false
        return op === 'gt' ? n > x : op === 'gte' ? n >= x : op === 'lt' ? n < x : n <= x
      })
  }
}

export function computeTime(spec: TimeSpec, env: EvalEnv): TimeValues | undefined {
  const from = env.b.steps[spec.from]
  const to = env.b.steps[spec.to]
  if (!from || !to) return undefined
  const t: TimeValues = timeBetween(env.job, from.pos, spec.inclusive ? to.pos + 1 : to.pos)
  if (spec.lifetimeOf) {
    const a = env.b.steps[spec.lifetimeOf]
    if (a) {
      const hit =
        env.b.hits[spec.lifetimeOf]?.entry.kind === 'auth'
          ? env.b.hits[spec.lifetimeOf]
          : catalogHits(a, 'auth', env.job)[0]
      const l = lifetimeOf(a, hit, env.job)
      t.lifetime = l.minutes
      t.lifetimeSource = l.source
    }
  }
  return t
}

export interface CondCtx extends CompileCtx {
  /** `as` names declared by between conditions (for placeholder checks). */
  betweenNames: Set<string>
  times: TimeSpec[]
}

function needAlias(ctx: CompileCtx, path: DataPath, key: string, alias: unknown): string {
  const a = String(alias)
  if (!ctx.aliases.has(a))
    throw ctx.src.error(
      path,
      `\`${a}\` is not an alias of this rule (aliases: ${[...ctx.aliases].join(', ') || 'none'})`,
      key
    )
  return a
}

/** Compiles a condition (docs/rule-format.md "Conditions"). */
export function compileCond(ctx: CondCtx, path: DataPath, node: unknown): Cond {
  const [[k, v]] = Object.entries(node as Obj)
  const p = [...path, k]
  switch (k) {
    case 'between': {
      const o = v as Obj
      const from = needAlias(ctx, p, 'from', o.from)
      const to = needAlias(ctx, p, 'to', o.to)
      const none = o.none !== undefined ? compileStep(ctx, [...p, 'none'], o.none) : undefined
      const some = o.some !== undefined ? compileStep(ctx, [...p, 'some'], o.some) : undefined
      const name = o.as !== undefined ? String(o.as) : 'some'
      ctx.betweenNames.add(name)
      return {
        test: (env, out) => {
          const a = env.b.steps[from]
          const b = env.b.steps[to]
          if (!a || !b) return false
          const matched: StepCtx[] = []
          for (let i = a.pos + 1; i < b.pos; i++) {
            const s = env.job.steps[i]
            if (none && none.test(s, env, {})) return false
            if (!some || some.test(s, env, {})) matched.push(s)
          }
          if (some && matched.length === 0) return false
          out.between[name] = matched
          return true
        }
      }
    }
    case 'time': {
      const o = v as Obj
      const spec: TimeSpec = {
        from: needAlias(ctx, p, 'from', o.from),
        to: needAlias(ctx, p, 'to', o.to),
        lifetimeOf:
          o['lifetime-of'] !== undefined
            ? needAlias(ctx, p, 'lifetime-of', o['lifetime-of'])
            : undefined,
        inclusive: o.inclusive === true
      }
      const est = o.estimated !== undefined ? timeCmp(o.estimated as Obj) : undefined
      const bound = o.bound !== undefined ? timeCmp(o.bound as Obj) : undefined
      if (!spec.lifetimeOf && (est?.usesLifetime || bound?.usesLifetime))
        throw ctx.src.error(p, 'a comparison with `lifetime` needs `lifetime-of: <alias>`')
      ctx.times.push(spec)
      return {
        test: (env, out) => {
          const t = computeTime(spec, env)
          if (!t) return false
          if (est && !est.test(t.estimate, t.lifetime)) return false
          if (bound && !bound.test(t.bound, t.lifetime)) return false
          out.time = t
          return true
        }
      }
    }
    case 'step': {
      // the step bound to an alias matches a step predicate (the reported step's `if:`, its text)
      const o = v as Obj
      const alias = needAlias(ctx, p, 'alias', o.alias)
      const where = compileStep(ctx, [...p, 'where'], o.where)
      return {
        test: (env) => {
          const s = env.b.steps[alias]
          return s !== undefined && where.test(s, env, {})
        }
      }
    }
    case 'all': {
      const subs = (v as unknown[]).map((x, i) => compileCond(ctx, [...p, i], x))
      return { test: (env, out) => subs.every((c) => c.test(env, out)) }
    }
    case 'any': {
      const subs = (v as unknown[]).map((x, i) => compileCond(ctx, [...p, i], x))
      return {
        test: (env, out) => {
          for (const c of subs) {
            const scratch = cloneOut(out)
            if (c.test(env, scratch)) {
              Object.assign(out.between, scratch.between)
              if (scratch.time) out.time = scratch.time
              return true
            }
          }
          return false
        }
      }
    }
    case 'not': {
      const sub = compileCond(ctx, p, v)
      return { test: (env, out) => !sub.test(env, cloneOut(out)) }
    }
  }
  throw ctx.src.error(path, `unknown condition \`${k}\``, k)
}

export function cloneOut(out: Out): Out {
  return { between: { ...out.between }, time: out.time }
}

export function allConds(conds: Cond[], env: EvalEnv, out: Out): boolean {
  for (const c of conds) if (!c.test(env, out)) return false
  return true
}

function labelList(steps: StepCtx[]): string {
  const labels = steps.map((s) => `\`${s.step.label}\``)
  const shown = labels.length > 5 ? [...labels.slice(0, 5), `${labels.length - 5} more`] : labels
  if (shown.length <= 1) return shown[0] ?? '(none)'
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`
}

/**
 * Compiles a message or recommendation: `{name}` placeholders are filled; `${{ … }}`, `{{ … }}` and
 * `${VAR}` are left as written.
 */
export function compileTemplate(
  ctx: CondCtx,
  path: DataPath,
  text: string,
  quickFix: boolean
): Template {
  const parts: (string | ((f: FillCtx) => string))[] = []
  const re = /\{([A-Za-z_][A-Za-z0-9_.-]*(?:\|[A-Za-z_][A-Za-z0-9_.-]*)*)\}/g
  let last = 0
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = text[m.index - 1]
    const after = text[m.index + m[0].length]
    if (before === '$' || before === '{' || after === '}') continue
    parts.push(text.slice(last, m.index))
    parts.push(placeholder(ctx, path, m[1], quickFix))
    last = m.index + m[0].length
  }
  parts.push(text.slice(last))
  return (f) => parts.map((x) => (typeof x === 'string' ? x : x(f))).join('')
}

function placeholder(
  ctx: CondCtx,
  path: DataPath,
  name: string,
  quickFix: boolean
): (f: FillCtx) => string {
  const bad = (why: string) => ctx.src.error(path, `unknown placeholder {${name}}: ${why}`)
  if (name.includes('|')) {
    // `{a.x|a.y}`: the first alias field that is set, else the last alternative as usual.
    const alts = name.split('|')
    const firsts = alts.slice(0, -1).map((alt) => {
      const dot = alt.indexOf('.')
      const head = dot < 0 ? alt : alt.slice(0, dot)
      const rest = dot < 0 ? '' : alt.slice(dot + 1)
      if (!ctx.aliases.has(head) || !isAliasField(rest, allCatalogFields(ctx)))
        throw bad(`\`${alt}\` before a \`|\` must be a field of an alias`)
      return (f: FillCtx) => aliasField(f.env, head, rest)
    })
    const lastAlt = placeholder(ctx, path, alts[alts.length - 1], quickFix)
    return (f) => {
      for (const get of firsts) {
        const v = get(f)
        if (v !== undefined) return v
      }
      return lastAlt(f)
    }
  }
  if (name === 'job') return (f) => f.env.job.job.id
  if (name === 'expires' || name === 'ref') {
    if (!quickFix) throw bad('{expires} and {ref} need `quick-fix: true`')
    return name === 'expires' ? (f) => f.expires ?? '(no date)' : (f) => f.ref ?? '(no ref)'
  }
  if (['lifetime', 'lifetime.source', 'estimate', 'bound'].includes(name)) {
    if (ctx.times.length === 0) throw bad(`{${name}} needs a \`time\` condition`)
    if (name.startsWith('lifetime') && !ctx.times.some((t) => t.lifetimeOf))
      throw bad(`{${name}} needs a \`time\` condition with \`lifetime-of\``)
    return (f) => {
      const t = f.out.time ?? f.time()
      if (!t) return '(unknown)'
      if (name === 'estimate') return fmtMinutes(t.estimate)
      if (name === 'bound') return fmtMinutes(t.bound)
      if (name === 'lifetime') return t.lifetime === undefined ? 'unknown' : fmtMinutes(t.lifetime)
      return t.lifetimeSource ?? 'unknown'
    }
  }
  const dot = name.indexOf('.')
  const head = dot < 0 ? name : name.slice(0, dot)
  const rest = dot < 0 ? '' : name.slice(dot + 1)
  if (head === 'between') {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\.(labels|count)$/.exec(rest)
    if (!m) throw bad('expected {between.NAME.labels} or {between.NAME.count}')
    if (!ctx.betweenNames.has(m[1])) throw bad(`no \`between\` condition exposes \`${m[1]}\``)
    const [, bn, what] = m
    return (f) => {
      const list = f.out.between[bn]
      if (!list) return what === 'count' ? '0' : '(none)'
      return what === 'count' ? String(list.length) : labelList(list)
    }
  }
  if (ctx.aliases.has(head)) {
    if (!isAliasField(rest, allCatalogFields(ctx)))
      throw bad(`\`${rest}\` is not a field of an alias`)
    return (f) =>
      aliasField(f.env, head, rest) ??
      (rest.startsWith('with.') || rest.startsWith('env.') ? '(not set)' : '(none)')
  }
  throw bad('not an alias of this rule nor a known name')
}

/** Compiles one validated rule file. */
export function compileRule(
  src: YamlSource,
  reg: PredicateRegistry,
  dir: string,
  source: string,
  catalogFields?: Record<CatalogKind, Set<string>>
): CompiledRule {
  const r = src.data as Obj
  const match = r.match as Obj
  const steps = (match.steps as { as: string; where: unknown }[] | undefined) ?? []
  const names = steps.map((s) => s.as)
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i)
      throw src.error(['match', 'steps', i, 'as'], `alias \`${n}\` is used twice`)
  })
  const aliases = steps.map((s, i) => ({
    name: s.as,
    // an alias's predicate may refer to the aliases bound before it: those after it in the list
    where: compileStep(
      { src, reg, aliases: new Set(names.slice(i + 1)), what: 'this alias', catalogFields },
      ['match', 'steps', i, 'where'],
      s.where
    )
  }))
  const ctx: CondCtx = {
    src,
    reg,
    aliases: new Set(names),
    what: 'a condition',
    betweenNames: new Set(),
    times: [],
    catalogFields
  }
  const report = match.report !== undefined ? String(match.report) : names[names.length - 1]
  if (match.report !== undefined && !names.includes(report))
    throw src.error(['match'], `\`report: ${report}\` is not an alias of this rule`, 'report')
  const job = match.job !== undefined ? compileJob(ctx, ['match', 'job'], match.job) : undefined
  const conditions = ((match.conditions as unknown[]) ?? []).map((c, i) =>
    compileCond(ctx, ['match', 'conditions', i], c)
  )
  const severity = r.severity as Severity
  const rank = { error: 3, warning: 2, notice: 1 }
  const levels = (r.levels as { severity: Severity; when?: unknown[] }[] | undefined)?.map(
    (l, i) => {
      if (rank[l.severity] > rank[severity])
        throw src.error(
          ['levels', i, 'severity'],
          `level severity ${l.severity} is above the rule's severity ${severity} (the highest it reports)`
        )
      return {
        severity: l.severity,
        when: (l.when ?? []).map((c, j) => compileCond(ctx, ['levels', i, 'when', j], c))
      }
    }
  )
  const quickFix = r['quick-fix'] === true
  const message = compileTemplate(ctx, ['message'], String(r.message), quickFix)
  const recommendation = compileTemplate(
    ctx,
    ['recommendation'],
    String(r.recommendation),
    quickFix
  )
  if (String(r.message).includes('\n'))
    throw src.error(['message'], 'the message must be one line (use `>-` to fold it)')
  return {
    info: {
      id: String(r.id),
      title: String(r.title),
      severity,
      recommendation: String(r.recommendation),
      references: (r.references as string[]) ?? [],
      tags: (r.tags as string[]) ?? [],
      source
    },
    file: src.file,
    dir,
    title: String(r.title),
    severity,
    job,
    aliases,
    report,
    conditions,
    levels,
    firstTime: ctx.times[0],
    quickFix,
    skipIfReported: (r['skip-if-reported'] as string[]) ?? [],
    message,
    rawMessage: String(r.message),
    recommendation
  }
}

/** Compiles the entries of one validated catalog mapping (a catalog file, or a config's `catalog:`). */
export function compileCatalog(
  src: YamlSource,
  reg: PredicateRegistry,
  data: Obj,
  base: DataPath
): { entries: CatalogEntry[]; defaultMinutes?: number } {
  const ctx: CompileCtx = { src, reg, aliases: new Set(), what: 'a catalog entry' }
  const entries: CatalogEntry[] = []
  const seen = new Set<string>()
  const add = (e: CatalogEntry, path: DataPath) => {
    const k = `${e.kind}:${e.id}`
    if (seen.has(k)) throw src.error(path, `duplicate ${e.kind} entry id \`${e.id}\``, 'id')
    seen.add(k)
    entries.push(e)
  }
  for (const kind of ['auth', 'secret-read', 'cloud-use', 'refresh'] as const) {
    ;((data[kind] as Obj[] | undefined) ?? []).forEach((o, i) => {
      const p = [...base, kind, i]
      const e: CatalogEntry = {
        kind,
        id: String(o.id),
        provider: o.provider !== undefined ? String(o.provider) : undefined,
        where: compileStep(ctx, [...p, 'where'], o.where),
        fields: scalarFields(o),
        source: src.file
      }
      if (kind === 'auth') {
        e.modes = ((o.modes as Obj[] | undefined) ?? []).map((m, j) => ({
          mode: String(m.mode),
          where: compileStep(ctx, [...p, 'modes', j, 'where'], m.where)
        }))
        if (o.lifetime !== undefined)
          e.lifetime = compileLifetime(ctx, [...p, 'lifetime'], o.lifetime)
      }
      add(e, p)
    })
  }
  const durations = data.durations as Obj | undefined
  ;((durations?.entries as Obj[] | undefined) ?? []).forEach((o, i) => {
    const p = [...base, 'durations', 'entries', i]
    add(
      {
        kind: 'duration',
        id: o.id !== undefined ? String(o.id) : `${String(o.category)}#${i}@${src.file}`,
        category: String(o.category),
        minutes: Number(o.minutes),
        where: compileStep(ctx, [...p, 'where'], o.where),
        fields: scalarFields(o),
        source: src.file
      },
      p
    )
  })
  return { entries, defaultMinutes: durations?.['default-minutes'] as number | undefined }
}

function scalarFields(o: Obj): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(o)) {
    if (k === 'description' || k === 'where' || v === null || typeof v === 'object') continue
    out[k] = String(v)
  }
  return out
}

function compileLifetime(ctx: CompileCtx, path: DataPath, v: unknown): LifetimeSpec | 'refreshing' {
  if (v === 'refreshing') return 'refreshing'
  const o = v as Obj
  const unit = (o.unit as 'seconds' | 'minutes' | undefined) ?? 'seconds'
  const dur = (x: unknown, key: string): number | undefined => {
    if (x === undefined) return undefined
    const n = parseDuration(x as string | number, unit)
    if (n === undefined)
      throw ctx.src.error(path, `expected a duration ("3600", "3600s", "90m", "2h")`, key)
    return n
  }
  return {
    input: o.input !== undefined ? String(o.input) : undefined,
    unit,
    default: dur(o.default, 'default'),
    max: dur(o.max, 'max'),
    caps: ((o.caps as Obj[] | undefined) ?? []).map((c, i) => ({
      where: compileStep(ctx, [...path, 'caps', i, 'where'], c.where),
      max: dur(c.max, 'max') as number,
      reason: c.reason !== undefined ? String(c.reason) : undefined
    }))
  }
}

export { stepLocation }
