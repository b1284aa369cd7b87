/**
 * Parses a workflow or a composite action into the model of ./model.ts, with a range on every node a
 * finding can point at. Bad input never throws: it becomes a finding with its line, and the model
 * keeps whatever could be read. Local composite actions (`uses: ./path`) are expanded in place.
 */
import { Composer, LineCounter } from 'yaml'
import type { CST, Document } from 'yaml'
import type { FileRange, Finding, Severity, SourceFile } from '../types.js'
import type {
  FileReader,
  Job,
  Minutes,
  ParseResult,
  Permissions,
  RunScript,
  Scalar,
  Step,
  UsesRef,
  Workflow
} from './model.js'
import { parseUses, resolveLocalAction } from './uses.js'
import {
  asMap,
  asSeq,
  describe,
  entries,
  kindOf,
  inspect,
  LimitExceeded,
  NodeContext,
  scalarText,
  type Entry
} from './yaml-nodes.js'
import { composeFast, fromDocument, mapGet, mapHas, parseTokens } from './yaml-tree.js'
import type { YMap, YNode } from './yaml-tree.js'

const mapGetOf = (map: YMap | undefined, key: string): YNode | null | undefined =>
  map === undefined ? undefined : mapGet(map, key)

export interface ParseLimits {
  /** Files larger than this are not parsed. */
  maxBytes: number
  /** Alias resolutions per file (alias bombs). */
  maxAliases: number
  /** Nesting depth of collections (deeply nested flow collections). */
  maxDepth: number
  /** Jobs per workflow and steps per job that are modelled. */
  maxJobs: number
  maxSteps: number
  /** Levels of local composite actions expanded inside each other. */
  maxCompositeDepth: number
  /** Steps in all the jobs of one file, composite actions expanded. */
  maxFileSteps: number
  /** YAML nodes read to build the model of one file (aliases can repeat a big part many times). */
  maxNodes: number
  /** Problems reported per file; past it, one finding says how many more there were. */
  maxProblems: number
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxBytes: 2 * 1024 * 1024,
  maxAliases: 1000,
  maxDepth: 64,
  maxJobs: 1000,
  maxSteps: 1000,
  maxCompositeDepth: 8,
  maxFileSteps: 20_000,
  maxNodes: 200_000,
  maxProblems: 100
}

export interface ParseOptions {
  limits?: Partial<ParseLimits>
  /** Parsed composite actions, shared across the files of one scan. */
  cache?: Map<string, ParseResult>
}

export const PARSE_ERROR = 'parse-error'
export const INVALID_WORKFLOW = 'invalid-workflow'
export const UNRESOLVED_ACTION = 'unresolved-action'

const WORKFLOW_KEYS = new Set([
  'name',
  'run-name',
  'on',
  'permissions',
  'env',
  'defaults',
  'concurrency',
  'jobs'
])
const JOB_KEYS = new Set([
  'name',
  'permissions',
  'needs',
  'if',
  'runs-on',
  'environment',
  'concurrency',
  'outputs',
  'env',
  'defaults',
  'steps',
  'timeout-minutes',
  'strategy',
  'continue-on-error',
  'container',
  'services',
  'uses',
  'with',
  'secrets',
  'snapshot'
])
const PARALLEL_KEYS = new Set(['parallel', 'name', 'id', 'if'])
const ACTION_KEYS = new Set([
  'name',
  'author',
  'description',
  'inputs',
  'outputs',
  'runs',
  'branding'
])
/** Whether a value holds a `${{ … }}` expression. */
const isExpression = (text: string): boolean => text.includes('${{')

class Parser {
  readonly findings: Finding[] = []
  /** Problems past `maxProblems`: counted, and reported as one finding by `done`. */
  dropped = 0
  firstDropped?: FileRange
  /** Steps modelled in the whole file, for `maxFileSteps`. */
  totalSteps = 0
  /** `parallel:` blocks met in the file, numbering their groups. */
  parallelGroups = 0
  constructor(
    readonly ctx: NodeContext,
    readonly limits: ParseLimits,
    readonly readFile: FileReader,
    readonly cache: Map<string, ParseResult>,
    /** Composite files being expanded, outermost first: the cycle guard. */
    readonly stack: string[]
  ) {}

  problem(
    message: string,
    range: FileRange,
    severity: Severity = 'error',
    ruleId = INVALID_WORKFLOW
  ): void {
    if (this.findings.length >= this.limits.maxProblems) {
      if (this.dropped++ === 0) this.firstDropped = range
      return
    }
    this.findings.push({
      ruleId,
      severity,
      file: range.file,
      line: range.line,
      column: range.column,
      endLine: range.endLine,
      endColumn: range.endColumn,
      message,
      recommendation: ''
    })
  }

  /** Step lists already reported as too long. */
  readonly warnedSteps = new WeakSet<Step[]>()
  /** The label of the job whose steps are being read, for messages. */
  jobLabel = ''

  tooManySteps(jobLabel: string, at: FileRange, out: Step[]): void {
    if (this.warnedSteps.has(out)) return
    this.warnedSteps.add(out)
    this.problem(
      `${jobLabel} has more than ${this.limits.maxSteps} steps, composite actions expanded (limit maxSteps); the rest were not checked`,
      at,
      'warning'
    )
  }

  /** Counts a modelled step against `maxFileSteps` (aliases and composites can multiply them). */
  countStep(at: YNode | FileRange | undefined): void {
    if (++this.totalSteps > this.limits.maxFileSteps) {
      throw new LimitExceeded(
        `the file has more than ${this.limits.maxFileSteps} steps in all its jobs, composite actions expanded (limit maxFileSteps); the file was not checked`,
        at
      )
    }
  }

  /** The findings, with one for the problems past the limit. */
  done(): Finding[] {
    if (this.dropped > 0 && this.firstDropped) {
      const r = this.firstDropped
      this.findings.push(
        problemFinding(
          r.file,
          `${this.dropped} more problems in this file are not listed (limit maxProblems: ${this.limits.maxProblems})`,
          r.line,
          r.column,
          INVALID_WORKFLOW
        )
      )
      this.dropped = 0
    }
    return this.findings
  }

  expect(node: YNode | undefined, kind: 'map' | 'seq', what: string, at: FileRange): boolean {
    const k = kindOf(node)
    if (k === kind || k === 'null') return k === kind
    this.problem(
      `${what} must be ${kind === 'map' ? 'a mapping' : 'a list'}, not ${describe(node)}`,
      at
    )
    return false
  }

  unknownKeys(es: Entry[], known: Set<string>, where: string): void {
    for (const e of es) {
      if (!known.has(e.key)) {
        this.problem(`unknown key \`${e.key}\` in ${where}`, this.ctx.range(e.keyNode), 'warning')
      }
    }
  }

  scalar(e: Entry | undefined): Scalar | undefined {
    if (!e) return undefined
    const text = scalarText(e.value)
    if (text === undefined) {
      if (kindOf(e.value) !== 'null') {
        this.problem(
          `\`${e.key}\` must be a single value, not ${describe(e.value)}`,
          this.ctx.range(e.value)
        )
      }
      return undefined
    }
    const keyRange = this.ctx.range(e.keyNode)
    return {
      value: text,
      isExpression: isExpression(text),
      range: this.ctx.range(e.value, keyRange),
      keyRange
    }
  }

  /** A mapping of names to scalars (`with`, `env`); an expression in place of the map is kept as ''. */
  scalarMap(e: Entry | undefined, what: string): Record<string, Scalar> {
    const out: Record<string, Scalar> = {}
    if (!e) return out
    const map = asMap(e.value)
    if (!map) {
      const text = scalarText(e.value)
      if (text !== undefined && isExpression(text)) return out
      this.expect(e.value, 'map', `\`${what}\``, this.ctx.range(e.value, this.ctx.range(e.keyNode)))
      return out
    }
    for (const item of entries(this.ctx, map)) {
      const s = this.scalar(item)
      if (s) out[item.key] = s
    }
    return out
  }

  minutes(e: Entry | undefined, what: string): Minutes | undefined {
    if (!e) return undefined
    const text = scalarText(e.value)
    if (text === undefined) return undefined
    if (isExpression(text)) return 'expression'
    const n = Number(text)
    if (!Number.isFinite(n) || n < 0) {
      this.problem(
        `\`${what}\` must be a number of minutes or an expression, not \`${text}\``,
        this.ctx.range(e.value)
      )
      return undefined
    }
    return n
  }

  permissions(e: Entry | undefined): Permissions | undefined {
    if (!e) return undefined
    const range = this.ctx.range(e.value, this.ctx.range(e.keyNode))
    const text = scalarText(e.value)
    if (text !== undefined) {
      if (text === 'read-all' || text === 'write-all') return { kind: text, scopes: {}, range }
      this.problem(
        `\`permissions\` must be \`read-all\`, \`write-all\` or a mapping, not \`${text}\``,
        range
      )
      return undefined
    }
    const map = asMap(e.value)
    if (!map) {
      if (kindOf(e.value) === 'null') return { kind: 'map', scopes: {}, range }
      this.expect(e.value, 'map', '`permissions`', range)
      return undefined
    }
    const scopes: Permissions['scopes'] = {}
    for (const item of entries(this.ctx, map)) {
      const level = scalarText(item.value)
      if (level === 'read' || level === 'write' || level === 'none') scopes[item.key] = level
      else
        this.problem(
          `permission \`${item.key}\` must be read, write or none`,
          this.ctx.range(item.value ?? item.keyNode)
        )
    }
    return { kind: 'map', scopes, range }
  }

  runScript(e: Entry): RunScript | undefined {
    const text = scalarText(e.value)
    if (text === undefined) {
      this.problem(
        `\`run\` must be a string, not ${describe(e.value)}`,
        this.ctx.range(e.value, this.ctx.range(e.keyNode))
      )
      return undefined
    }
    const range = this.ctx.range(e.value)
    const style = (e.value as YNode & { kind: 'scalar' }).style
    let lines: number[]
    if (style === 'BLOCK_LITERAL') {
      // A literal block keeps every line: content line i is on the line after the indicator, plus i.
      lines = [Math.min(range.line + 1, range.endLine)]
      for (let at = text.indexOf('\n'), i = 1; at >= 0; at = text.indexOf('\n', at + 1), i++)
        lines.push(Math.min(range.line + 1 + i, range.endLine))
    } else {
      // Folded and flow scalars join source lines (and a quoted `\n` splits one): find each line.
      const first = style === 'BLOCK_FOLDED' ? range.line + 1 : range.line
      lines = locateLines(
        text.split('\n'),
        this.ctx.text,
        this.ctx.lineCounter,
        first,
        range.endLine
      )
    }
    return { text, range, lines }
  }

  /** Parses a `steps:` list. `env` is what the steps inherit; composites are expanded in place. */
  steps(
    e: Entry | undefined,
    jobLabel: string,
    inherited: Record<string, Scalar>,
    out: Step[]
  ): void {
    if (!e) return
    this.jobLabel = jobLabel
    const seq = asSeq(e.value)
    if (!seq) {
      this.expect(
        e.value,
        'seq',
        `\`steps\` of ${jobLabel}`,
        this.ctx.range(e.value, this.ctx.range(e.keyNode))
      )
      return
    }
    // Problems point where a step is written in the list: at an alias (`- *x`) rather than its anchor.
    const listAlias = e.pair.value?.kind === 'alias' ? e.pair.value : undefined
    let localIndex = 0
    for (const item of seq.items) {
      const node = this.ctx.deref(item)
      const written = item?.kind === 'alias' ? item : node
      const index = localIndex++
      if (out.length >= this.limits.maxSteps) {
        this.tooManySteps(jobLabel, this.ctx.range(listAlias ?? written), out)
        return
      }
      const map = asMap(node)
      if (!map) {
        this.problem(
          `step ${index + 1} of ${jobLabel} must be a mapping, not ${describe(node)}`,
          this.ctx.range(written)
        )
        continue
      }
      if (mapHas(map, 'parallel')) {
        this.parallel(map, index, jobLabel, inherited, out)
        continue
      }
      const step = this.step(map, index, out.length, jobLabel, inherited)
      this.countStep(listAlias ?? written)
      out.push(step)
      if (step.uses?.kind === 'local') this.expand(step, out)
    }
  }

  /** A `parallel:` block: its steps run at the same time; they share a group number in the job. */
  parallel(
    map: YMap,
    localIndex: number,
    jobLabel: string,
    inherited: Record<string, Scalar>,
    out: Step[]
  ): void {
    const es = entries(this.ctx, map)
    this.unknownKeys(
      es,
      PARALLEL_KEYS,
      `the parallel block of step ${localIndex + 1} of ${jobLabel}`
    )
    const e = es.find((x) => x.key === 'parallel')!
    const seq = asSeq(e.value)
    if (!seq) {
      this.expect(e.value, 'seq', '`parallel`', this.ctx.range(e.value, this.ctx.range(e.keyNode)))
      return
    }
    const group = ++this.parallelGroups
    for (const item of seq.items) {
      const node = this.ctx.deref(item)
      const child = asMap(node)
      if (!child || mapHas(child, 'parallel')) {
        this.problem(
          `a step in the parallel block of step ${localIndex + 1} of ${jobLabel} must be a mapping of one step, not ${child ? 'another parallel block' : describe(node)}`,
          this.ctx.range(node)
        )
        continue
      }
      if (out.length >= this.limits.maxSteps) {
        this.tooManySteps(jobLabel, this.ctx.range(child), out)
        return
      }
      const step = this.step(child, localIndex, out.length, jobLabel, inherited)
      step.parallelGroup = group
      this.countStep(child)
      out.push(step)
      if (step.uses?.kind === 'local') this.expand(step, out)
    }
  }

  step(
    map: YMap,
    localIndex: number,
    index: number,
    jobLabel: string,
    inherited: Record<string, Scalar>
  ): Step {
    const es = entries(this.ctx, map)
    // One pass over the keys (unknown ones reported in their order, as unknownKeys does).
    let usesEntry: Entry | undefined
    let runEntry: Entry | undefined
    let nameEntry: Entry | undefined
    let idEntry: Entry | undefined
    let background: Entry | undefined
    let envEntry: Entry | undefined
    let coe: Entry | undefined
    let withEntry: Entry | undefined
    let shellEntry: Entry | undefined
    let ifEntry: Entry | undefined
    let timeoutEntry: Entry | undefined
    let controlKeys = false
    for (const e of es) {
      switch (e.key) {
        case 'uses':
          usesEntry = e
          break
        case 'run':
          runEntry = e
          break
        case 'name':
          nameEntry = e
          break
        case 'id':
          idEntry = e
          break
        case 'background':
          background = e
          break
        case 'env':
          envEntry = e
          break
        case 'continue-on-error':
          coe = e
          break
        case 'with':
          withEntry = e
          break
        case 'shell':
          shellEntry = e
          break
        case 'if':
          ifEntry = e
          break
        case 'timeout-minutes':
          timeoutEntry = e
          break
        case 'wait':
        case 'wait-all':
        case 'cancel':
          controlKeys = true
          break
        case 'working-directory':
          break
        default:
          this.problem(
            `unknown key \`${e.key}\` in step ${localIndex + 1} of ${jobLabel}`,
            this.ctx.range(e.keyNode),
            'warning'
          )
      }
    }
    const range = this.ctx.range(map)
    const name = this.scalar(nameEntry)?.value
    const id = this.scalar(idEntry)?.value
    let uses: UsesRef | undefined
    if (usesEntry) {
      const s = this.scalar(usesEntry)
      if (s) {
        uses = parseUses(s.value, s.range)
        if (uses.kind === 'invalid')
          this.problem(`\`uses: ${s.value}\` is not a valid action reference`, s.range)
      }
    }
    const run = runEntry ? this.runScript(runEntry) : undefined
    if (usesEntry && runEntry)
      this.problem(`step ${localIndex + 1} of ${jobLabel} has both \`uses\` and \`run\``, range)
    const control = controlKeys ? this.control(es) : undefined
    if (!usesEntry && !runEntry && !control)
      this.problem(`step ${localIndex + 1} of ${jobLabel} has neither \`uses\` nor \`run\``, range)
    const env = this.scalarMap(envEntry, 'env')
    const coeText = coe ? scalarText(coe.value) : undefined
    let label = name ?? uses?.raw
    if (label === undefined) {
      const firstRunLine = run ? firstNonBlankLine(run.text) : undefined
      label = firstRunLine ? truncate(firstRunLine, 60) : `step ${localIndex + 1}`
    }
    return {
      file: this.ctx.file,
      index,
      localIndex,
      id,
      name,
      label,
      range,
      uses,
      with: this.scalarMap(withEntry, 'with'),
      run,
      shell: this.scalar(shellEntry)?.value,
      env,
      effectiveEnv: { ...inherited, ...env },
      if: this.scalar(ifEntry),
      timeoutMinutes: this.minutes(timeoutEntry, 'timeout-minutes'),
      continueOnError:
        coeText === undefined
          ? undefined
          : isExpression(coeText)
            ? 'expression'
            : coeText === 'true',
      ...(background && scalarText(background.value) === 'true' ? { background: true } : {}),
      ...(control ? { control } : {})
    }
  }

  /** `wait: id` / `wait: [ids]`, `wait-all:`, `cancel: id`: steps that join or stop background steps. */
  control(es: Entry[]): Step['control'] {
    for (const kind of ['wait', 'wait-all', 'cancel'] as const) {
      const e = es.find((x) => x.key === kind)
      if (!e) continue
      const seq = asSeq(e.value)
      const ids = seq
        ? seq.items.map((i) => scalarText(this.ctx.deref(i))).filter((x): x is string => !!x)
        : [scalarText(e.value)].filter((x): x is string => !!x)
      return { kind, ids }
    }
    return undefined
  }

  /** The notice for a local action whose steps cannot be looked into, and why. */
  unresolvedAction(uses: UsesRef, why: string): void {
    this.problem(
      `local action \`${uses.raw}\` cannot be checked: ${why}; its steps are not looked into`,
      uses.range,
      'notice',
      UNRESOLVED_ACTION
    )
  }

  /** Expands a `uses: ./path` step with the composite's steps, or marks it unresolved. */
  expand(step: Step, out: Step[]): void {
    const uses = step.uses as UsesRef
    const resolved = resolveLocalAction(uses.raw, this.readFile)
    if ('error' in resolved) {
      step.unresolved = resolved.error
      this.unresolvedAction(uses, resolved.error)
      return
    }
    if (this.stack.includes(resolved.path)) {
      step.unresolved = `cycle: ${[...this.stack, resolved.path].join(' -> ')}`
      this.problem(
        `local action \`${uses.raw}\` uses itself (${step.unresolved}); not expanded`,
        uses.range,
        'warning'
      )
      return
    }
    if (this.stack.length >= this.limits.maxCompositeDepth) {
      step.unresolved = `more than ${this.limits.maxCompositeDepth} levels of composite actions`
      this.problem(
        `local action \`${uses.raw}\` is nested too deep (${step.unresolved}); not expanded`,
        uses.range,
        'warning'
      )
      return
    }
    const parsed = parseComposite(
      resolved.path,
      resolved.text,
      this.readFile,
      this.limits,
      this.cache,
      [...this.stack, resolved.path]
    )
    const composite = parsed.workflow
    if (!composite || composite.kind !== 'composite' || composite.jobs.length === 0) {
      step.unresolved = composite
        ? `${resolved.path} is not a composite action`
        : `${resolved.path} could not be parsed`
      // A JavaScript or Docker action of the repository has no steps to look into; a broken file does.
      if (!composite) this.unresolvedAction(uses, step.unresolved)
      return
    }
    step.expanded = true
    // Steps of composites nested in this one keep the step that pulled them in (now its copy).
    const copies = new Map<Step, Step>()
    for (const inner of composite.jobs[0]?.steps ?? []) {
      if (out.length >= this.limits.maxSteps) {
        this.tooManySteps(this.jobLabel, uses.range, out)
        return
      }
      const copy: Step = {
        ...inner,
        index: out.length,
        // The composite's steps start from an empty env: theirs includes the nested callers'.
        effectiveEnv: { ...step.effectiveEnv, ...inner.effectiveEnv },
        expansion: inner.expansion
          ? { via: copies.get(inner.expansion.via) ?? step, file: inner.expansion.file }
          : { via: step, file: resolved.path }
      }
      copies.set(inner, copy)
      this.countStep(uses.range)
      out.push(copy)
    }
  }

  job(e: Entry, wf: { env: Record<string, Scalar>; permissions: Permissions }): Job | undefined {
    const label = `job \`${e.key}\``
    const map = asMap(e.value)
    if (!map) {
      this.problem(
        `${label} must be a mapping, not ${describe(e.value)}`,
        this.ctx.range(e.value, this.ctx.range(e.keyNode))
      )
      return undefined
    }
    const es = entries(this.ctx, map)
    this.unknownKeys(es, JOB_KEYS, label)
    const get = (k: string) => es.find((x) => x.key === k)
    const env = this.scalarMap(get('env'), 'env')
    const timeout = this.minutes(get('timeout-minutes'), 'timeout-minutes')
    const usesEntry = get('uses')
    const usesScalar = this.scalar(usesEntry)
    const secretsEntry = get('secrets')
    let secrets: Job['secrets']
    if (secretsEntry) {
      secrets =
        scalarText(secretsEntry.value) === 'inherit'
          ? 'inherit'
          : this.scalarMap(secretsEntry, 'secrets')
    }
    const needsEntry = get('needs')
    const needs: string[] = []
    if (needsEntry) {
      const seq = asSeq(needsEntry.value)
      if (seq)
        for (const n of seq.items) {
          const t = scalarText(this.ctx.deref(n))
          if (t !== undefined) needs.push(t)
        }
      else {
        const t = scalarText(needsEntry.value)
        if (t !== undefined) needs.push(t)
      }
    }
    const strategy = asMap(get('strategy')?.value)
    const runsOn = get('runs-on')
    const environment = get('environment')
    const job: Job = {
      id: e.key,
      name: this.scalar(get('name'))?.value,
      file: this.ctx.file,
      range: this.ctx.range(e.keyNode),
      kind: usesEntry ? 'reusable' : 'steps',
      runsOn: runsOn ? (scalarText(runsOn.value) ?? undefined) : undefined,
      permissions: this.permissions(get('permissions')) ?? wf.permissions,
      timeoutMinutes: timeout ?? 360,
      timeoutSet: timeout !== undefined,
      if: this.scalar(get('if')),
      needs,
      env,
      environment: environment
        ? (scalarText(environment.value) ?? scalarText(mapGetOf(asMap(environment.value), 'name')))
        : undefined,
      hasMatrix: strategy !== undefined && mapHas(strategy, 'matrix'),
      strategy: get('strategy') ? true : undefined,
      container: get('container') ? true : undefined,
      services: get('services') ? true : undefined,
      steps: [],
      uses: usesScalar ? parseUses(usesScalar.value, usesScalar.range) : undefined,
      with: this.scalarMap(get('with'), 'with'),
      secrets
    }
    if (job.kind === 'reusable' && get('steps'))
      this.problem(`${label} has both \`uses\` and \`steps\``, job.range)
    if (job.kind === 'steps') {
      if (!get('steps')) this.problem(`${label} has no \`steps\``, job.range)
      this.steps(get('steps'), label, { ...wf.env, ...env }, job.steps)
    }
    return job
  }

  triggers(e: Entry | undefined): string[] {
    if (!e) return []
    const text = scalarText(e.value)
    if (text !== undefined) return [text]
    const seq = asSeq(e.value)
    if (seq)
      return seq.items.map((i) => scalarText(this.ctx.deref(i))).filter((x): x is string => !!x)
    const map = asMap(e.value)
    if (map) return entries(this.ctx, map).map((x) => x.key)
    return []
  }

  workflow(root: YMap): Workflow {
    const es = entries(this.ctx, root)
    this.unknownKeys(es, WORKFLOW_KEYS, 'the workflow')
    const get = (k: string) => es.find((x) => x.key === k)
    const triggers = this.triggers(get('on'))
    const env = this.scalarMap(get('env'), 'env')
    const explicit = this.permissions(get('permissions'))
    const onlyCalled = triggers.length > 0 && triggers.every((t) => t === 'workflow_call')
    const permissions: Permissions = explicit ?? {
      kind: onlyCalled ? 'inherited' : 'default',
      scopes: {}
    }
    const wf: Workflow = {
      file: this.ctx.file,
      kind: 'workflow',
      name: this.scalar(get('name'))?.value,
      triggers,
      env,
      permissions,
      jobs: [],
      inputs: this.callInputs(get('on'))
    }
    if (!get('on'))
      this.problem('the workflow has no `on:` (no trigger)', this.ctx.range(root), 'warning')
    const jobsEntry = get('jobs')
    if (!jobsEntry) {
      this.problem('the workflow has no `jobs`', this.ctx.range(root))
      return wf
    }
    const jobs = asMap(jobsEntry.value)
    if (!jobs) {
      this.expect(
        jobsEntry.value,
        'map',
        '`jobs`',
        this.ctx.range(jobsEntry.value, this.ctx.range(jobsEntry.keyNode))
      )
      return wf
    }
    for (const je of entries(this.ctx, jobs)) {
      if (wf.jobs.length >= this.limits.maxJobs) {
        this.problem(
          `more than ${this.limits.maxJobs} jobs (limit maxJobs); the rest were not checked`,
          this.ctx.range(je.keyNode),
          'warning'
        )
        break
      }
      const job = this.job(je, wf)
      if (job) wf.jobs.push(job)
    }
    return wf
  }

  callInputs(on: Entry | undefined): string[] {
    const call = asMap(mapGetOf(asMap(on?.value), 'workflow_call'))
    const inputs = asMap(mapGetOf(call, 'inputs'))
    return inputs ? entries(this.ctx, inputs).map((x) => x.key) : []
  }

  composite(root: YMap): Workflow | undefined {
    const es = entries(this.ctx, root)
    this.unknownKeys(es, ACTION_KEYS, 'the action')
    const get = (k: string) => es.find((x) => x.key === k)
    const runs = asMap(get('runs')?.value)
    const using = runs ? scalarText(mapGet(runs, 'using')) : undefined
    const inputsMap = asMap(get('inputs')?.value)
    const wf: Workflow = {
      file: this.ctx.file,
      kind: 'composite',
      name: this.scalar(get('name'))?.value,
      triggers: [],
      env: {},
      permissions: { kind: 'inherited', scopes: {} },
      jobs: [],
      inputs: inputsMap ? entries(this.ctx, inputsMap).map((x) => x.key) : []
    }
    if (using !== 'composite') return wf
    const stepsEntry = runs ? entries(this.ctx, runs).find((x) => x.key === 'steps') : undefined
    const job: Job = {
      id: this.ctx.file,
      file: this.ctx.file,
      range: this.ctx.range(get('runs')?.keyNode),
      kind: 'steps',
      permissions: wf.permissions,
      timeoutMinutes: 360,
      timeoutSet: false,
      needs: [],
      env: {},
      hasMatrix: false,
      steps: [],
      with: {}
    }
    if (!stepsEntry) this.problem('the composite action has no `runs.steps`', job.range)
    this.steps(stepsEntry, 'the composite action', {}, job.steps)
    wf.jobs.push(job)
    return wf
  }
}

/**
 * The source line of each line of a folded or flow scalar's value: each value line is looked for
 * from where the previous one ended (a value line may span several source lines when folded, and
 * several value lines may share a source line when a quoted string holds `\n`).
 */
function locateLines(
  out: string[],
  text: string,
  lineCounter: LineCounter,
  first: number,
  last: number
): number[] {
  const starts = lineCounter.lineStarts
  const source = (line: number): string =>
    text.slice(starts[line - 1], line < starts.length ? starts[line] : text.length).trim()
  const result: number[] = []
  let cursor = first
  for (const o of out) {
    const want = o.trim()
    if (want === '') {
      result.push(Math.min(cursor, last))
      if (cursor < last && source(cursor) === '') cursor++
      continue
    }
    while (cursor < last && source(cursor) === '') cursor++
    // The first word: a folded value line starts with its first source line, cut at a space.
    const probe = want.split(/\s/, 1)[0].slice(0, 24)
    let at = cursor
    while (at <= last && !source(at).includes(probe)) at++
    if (at > last) {
      // Escapes make the value differ from the source: keep the last known line.
      result.push(Math.min(cursor, last))
      continue
    }
    result.push(at)
    // Consume the source lines this value line was folded from.
    const src = source(at)
    let piece = src.slice(src.indexOf(probe))
    let rest = want
    let line = at
    while (rest.startsWith(piece) && line <= last) {
      rest = rest.slice(piece.length).trimStart()
      line++
      if (rest === '' || line > last) break
      piece = source(line)
    }
    cursor = rest === '' ? line : Math.max(line, at)
  }
  return result
}

/** The first line of a text that is not blank, trimmed; undefined when every line is blank. */
function firstNonBlankLine(text: string): string | undefined {
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    const line = text.slice(start, end).trim()
    if (line !== '') return line
    start = end + 1
  }
  return undefined
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s
}

function problemFinding(
  file: string,
  message: string,
  line = 1,
  column = 1,
  ruleId = PARSE_ERROR
): Finding {
  return {
    ruleId,
    severity: 'error',
    file,
    line,
    column,
    endLine: line,
    endColumn: column,
    message,
    recommendation: ''
  }
}

const isBlank = (c: number): boolean =>
  c === 32 || c === 9 || c === 13 || c === 10 || Number.isNaN(c)

/**
 * A cheap scan before `yaml` sees the text: the deepest nesting of flow collections (`[`, `{`) and
 * of compact block indicators on one line (`- - - x`). yaml needs time and memory in proportion to
 * that depth (an unclosed `[[[[…` of 2 MB exhausts the heap), so it is bounded before parsing.
 * It follows yaml's lines (`\n`) and skips block scalars, comments and quoted strings, so brackets in
 * scripts do not count; the exact depth is measured after parsing (`inspect`).
 */
export function nestingDepth(text: string, limit: number): number {
  let flow = 0
  let max = 0
  let quote = 0
  let blockIndent = -1
  let pos = 0
  const n = text.length
  while (pos < n) {
    let eol = text.indexOf('\n', pos)
    if (eol < 0) eol = n
    let i = pos
    while (i < eol && text.charCodeAt(i) === 32) i++
    const indent = i - pos
    if (blockIndent >= 0) {
      if (i >= eol || text.charCodeAt(i) === 13 || indent > blockIndent) {
        pos = eol + 1
        continue
      }
      blockIndent = -1
    }
    let valueStart = quote === 0 && flow === 0
    let compact = 0
    let prev = 32
    for (; i < eol; i++) {
      const c = text.charCodeAt(i)
      if (quote !== 0) {
        if (c === quote) {
          if (quote === 39 && text.charCodeAt(i + 1) === 39) i++
          else quote = 0
        } else if (c === 92 && quote === 34) i++
        prev = c
        continue
      }
      if (c === 32 || c === 9 || c === 13) {
        prev = c
        continue
      }
      if (c === 35 && (prev === 32 || prev === 9)) break
      if (flow === 0) {
        if (valueStart) {
          if ((c === 45 || c === 63 || c === 58) && isBlank(text.charCodeAt(i + 1))) {
            if (++compact > max) max = compact
            if (max > limit) return max
          } else if (c === 38 || c === 33) {
            // An anchor or a tag before the value: the value starts after it.
            while (i + 1 < eol && !isBlank(text.charCodeAt(i + 1))) i++
          } else if (c === 91 || c === 123) {
            flow = 1
            valueStart = false
            if (flow > max) max = flow
          } else if (c === 34 || c === 39) {
            quote = c
            valueStart = false
          } else if (
            (c === 124 || c === 62) &&
            /^[|>][-+0-9]*[ \t]*(#.*)?\r?$/.test(text.slice(i, eol))
          ) {
            blockIndent = indent
            break
          } else valueStart = false
        } else {
          // Inside a key or a plain scalar: only a `: ` can start another value on this line.
          const k = text.indexOf(':', i)
          if (k < 0 || k >= eol) break
          if (isBlank(text.charCodeAt(k + 1))) valueStart = true
          i = k
          prev = 58
          continue
        }
      } else if (c === 91 || c === 123) {
        if (++flow > max) max = flow
        if (max > limit) return max
      } else if (c === 93 || c === 125) {
        flow--
        if (flow === 0) valueStart = false
      } else if (
        (c === 34 || c === 39) &&
        (prev === 32 || prev === 9 || prev === 44 || prev === 91 || prev === 123 || prev === 58)
      ) {
        quote = c
      }
      prev = c
    }
    pos = eol + 1
  }
  return max
}

interface Loaded {
  ctx?: NodeContext
  root?: YMap
  findings: Finding[]
  /** The source lines, split when first asked for (only files with a marker comment need them). */
  lines: () => string[]
  skipped?: string
}

/**
 * Lines as yaml counts them (a lone \r is not a line break for it), so that `lines[line - 1]` is the
 * line a finding points at; split once, when first asked for.
 */
function lazyLines(text: string): () => string[] {
  let lines: string[] | undefined
  return () => (lines ??= text.split(/\r?\n/))
}

const NO_LINES = (): string[] => []

/** The result with its `lines` property split from the source when first read. */
function withLines(r: Omit<ParseResult, 'lines'>, lines: () => string[]): ParseResult {
  return Object.defineProperty(r, 'lines', {
    get: lines,
    enumerable: true,
    configurable: true
  }) as ParseResult
}

function tooDeep(path: string, limits: ParseLimits, line = 1, column = 1): Finding {
  return problemFinding(
    path,
    `collections are nested more than ${limits.maxDepth} levels deep (limit maxDepth); the file was not parsed`,
    line,
    column
  )
}

const MAX_ERRORS = 5

/**
 * The general path: `yaml`'s composer reads the tokens `composeFast` did not, with its own error
 * messages. Either the file is done (errors, nothing to model) or its first document's tree.
 */
function general(
  path: string,
  tokens: CST.Token[],
  lineCounter: LineCounter,
  limits: ParseLimits,
  findings: Finding[]
): { done: true; findings: Finding[] } | { done: false; contents: YNode | null } {
  // uniqueKeys is off: yaml's check compares each key with every earlier one (quadratic in the
  // size of a mapping); `inspect` finds duplicates with a set instead.
  const composer = new Composer({ uniqueKeys: false, prettyErrors: false, strict: true })
  const docs = [...composer.compose(tokens)] as Document.Parsed[]
  if (docs.length === 0) {
    findings.push(
      problemFinding(
        path,
        'the file has no YAML content (it is empty or only comments): a workflow needs `on:` and `jobs:`',
        1,
        1,
        INVALID_WORKFLOW
      )
    )
    return { done: true, findings }
  }
  const doc = docs[0]
  const exhausted = doc.errors.find((e) => e.code === 'RESOURCE_EXHAUSTION')
  if (exhausted) {
    // yaml ran out of stack on nesting deeper than the pre-scan could see (block indentation).
    const pos = lineCounter.linePos(exhausted.pos[0])
    return { done: true, findings: [tooDeep(path, limits, pos.line, pos.col)] }
  }
  for (const err of doc.errors.slice(0, MAX_ERRORS)) {
    const pos = lineCounter.linePos(err.pos[0])
    findings.push(
      problemFinding(
        path,
        `invalid YAML: ${truncate(firstLine(err.message), 160)}`,
        pos.line,
        pos.col
      )
    )
  }
  if (doc.errors.length > MAX_ERRORS) {
    const last = findings[findings.length - 1]
    last.message += ` (and ${doc.errors.length - MAX_ERRORS} more YAML errors after it)`
  }
  if (docs.length > 1) {
    const second = docs[1].range ? lineCounter.linePos(docs[1].range[0]) : { line: 1, col: 1 }
    findings.push(
      problemFinding(
        path,
        `the file holds ${docs.length} YAML documents; only the first is read`,
        second.line,
        second.col,
        INVALID_WORKFLOW
      )
    )
  }
  if (doc.errors.length > 0) return { done: true, findings }
  return { done: false, contents: fromDocument(doc.contents) }
}

function load(path: string, text: string, limits: ParseLimits): Loaded {
  const findings: Finding[] = []
  const size = text.length > limits.maxBytes ? text.length : Buffer.byteLength(text, 'utf8')
  if (size > limits.maxBytes) {
    return {
      findings,
      lines: NO_LINES,
      skipped: `larger than the ${Math.round(limits.maxBytes / 1024)} KiB limit for one file (limit maxBytes): ${Math.round(size / 1024)} KiB`
    }
  }
  const lines = lazyLines(text)
  if (nestingDepth(text, limits.maxDepth) > limits.maxDepth) {
    return { findings: [tooDeep(path, limits)], lines }
  }
  const lineCounter = new LineCounter()
  let contents: YNode | null
  try {
    const tokens = parseTokens(text, lineCounter.addNewLine)
    const fast = composeFast(tokens, limits.maxDepth)
    if (fast !== undefined) contents = fast
    else {
      const slow = general(path, tokens, lineCounter, limits, findings)
      if (slow.done) return { findings: slow.findings, lines }
      contents = slow.contents
    }
  } catch (err) {
    return {
      findings: [problemFinding(path, `could not be parsed as YAML: ${(err as Error).message}`)],
      lines
    }
  }
  const seen = inspect(contents, limits.maxDepth)
  if (seen.tooDeep) {
    const pos = lineCounter.linePos(seen.tooDeep.range[0])
    return { findings: [tooDeep(path, limits, pos.line, pos.col)], lines }
  }
  for (const dup of seen.duplicates.slice(0, MAX_ERRORS)) {
    const pos = lineCounter.linePos(dup.key.range[0])
    const first = lineCounter.linePos(dup.first.range[0])
    findings.push(
      problemFinding(
        path,
        `duplicate key \`${truncate(dup.text, 60)}\` (first at line ${first.line}); the first one is used`,
        pos.line,
        pos.col
      )
    )
  }
  if (seen.duplicates.length > MAX_ERRORS) {
    const last = findings[findings.length - 1]
    last.message += ` (and ${seen.duplicates.length - MAX_ERRORS} more duplicate keys after it)`
  }
  const ctx = new NodeContext(
    path,
    text,
    lineCounter,
    seen.aliases,
    limits.maxAliases,
    limits.maxNodes
  )
  const rootNode = ctx.deref(contents)
  const root = asMap(rootNode)
  if (!root) {
    if (kindOf(rootNode) === 'null') {
      findings.push(
        problemFinding(
          path,
          'the file has no content (only comments or nothing): a workflow needs `on:` and `jobs:`',
          1,
          1,
          INVALID_WORKFLOW
        )
      )
    } else {
      const r = ctx.range(rootNode)
      findings.push(
        problemFinding(
          path,
          `the top level must be a mapping, not ${describe(rootNode)}`,
          r.line,
          r.column,
          INVALID_WORKFLOW
        )
      )
    }
    return { findings, lines }
  }
  return { ctx, root, findings, lines }
}

function firstLine(s: string): string {
  return s.split('\n')[0]
}

/**
 * Builds the model with a fresh parser. A limit hit on the way (`LimitExceeded`) leaves no model and
 * one finding where it was hit: a partial model would give findings that are not true.
 */
function build(
  loaded: Loaded & { ctx: NodeContext; root: YMap },
  limits: ParseLimits,
  readFile: FileReader,
  cache: Map<string, ParseResult>,
  stack: string[],
  make: (p: Parser, root: YMap) => Workflow | undefined
): { workflow?: Workflow; findings: Finding[] } {
  const p = new Parser(loaded.ctx, limits, readFile, cache, stack)
  try {
    const workflow = make(p, loaded.root)
    return { workflow, findings: [...loaded.findings, ...p.done()] }
  } catch (err) {
    if (!(err instanceof LimitExceeded)) throw err
    const at = err.at
    const r = at && 'file' in at ? at : loaded.ctx.range(at)
    return {
      findings: [...loaded.findings, problemFinding(loaded.ctx.file, err.message, r.line, r.column)]
    }
  }
}

function parseComposite(
  path: string,
  text: string,
  readFile: FileReader,
  limits: ParseLimits,
  cache: Map<string, ParseResult>,
  stack: string[]
): ParseResult {
  const cached = cache.get(path)
  if (cached && stack.length <= 1) return cached
  const loaded = load(path, text, limits)
  if (!loaded.ctx || !loaded.root)
    return withLines({ findings: loaded.findings, skipped: loaded.skipped }, loaded.lines)
  const built = build(
    { ...loaded, ctx: loaded.ctx, root: loaded.root },
    limits,
    readFile,
    cache,
    stack,
    (p, root) => p.composite(root)
  )
  const result = withLines({ ...built }, loaded.lines)
  if (stack.length <= 1) cache.set(path, result)
  return result
}

/**
 * The same reader answers the same path the same way during a scan: remember its answers (a
 * corpus of workflows asks for the same local actions again and again, each a file system lookup).
 */
const memos = new WeakMap<FileReader, FileReader>()
function memoized(readFile: FileReader): FileReader {
  if (memos.has(readFile)) return memos.get(readFile) as FileReader
  const seen = new Map<string, string | undefined>()
  const reader: FileReader = (path) => {
    if (seen.has(path)) return seen.get(path)
    const text = readFile(path)
    seen.set(path, text)
    return text
  }
  memos.set(readFile, reader)
  memos.set(reader, reader)
  return reader
}

/** Whether a parsed mapping looks like a composite (or other) action file rather than a workflow. */
function isActionFile(path: string, root: YMap): boolean {
  return /(^|\/)action\.ya?ml$/.test(path) || (mapHas(root, 'runs') && !mapHas(root, 'jobs'))
}

/**
 * Parses one workflow or action file. `readFile` reads other files of the same repository (for local
 * composite actions); it is never asked for a path outside the repository.
 */
export function parseWorkflow(
  file: SourceFile,
  readFile: FileReader,
  options: ParseOptions = {}
): ParseResult {
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const cache = options.cache ?? new Map<string, ParseResult>()
  readFile = memoized(readFile)
  const loaded = load(file.path, file.text, limits)
  if (!loaded.ctx || !loaded.root)
    return withLines({ findings: loaded.findings, skipped: loaded.skipped }, loaded.lines)
  const ready = { ...loaded, ctx: loaded.ctx, root: loaded.root }
  const root = loaded.root
  if (isActionFile(file.path, root)) {
    const built = build(ready, limits, readFile, cache, [file.path], (p, r) => p.composite(r))
    if (built.workflow && built.workflow.jobs.length === 0) {
      return withLines(
        { findings: built.findings, skipped: 'an action that is not a composite action' },
        loaded.lines
      )
    }
    return withLines({ ...built }, loaded.lines)
  }
  if (!mapHas(root, 'jobs') && !mapHas(root, 'on')) {
    return withLines(
      {
        findings: loaded.findings,
        skipped: 'not a workflow or an action (no `on:`, `jobs:` or `runs:`)'
      },
      loaded.lines
    )
  }
  const built = build(ready, limits, readFile, cache, [], (p, r) => p.workflow(r))
  return withLines({ ...built }, loaded.lines)
}
