/**
 * The workflow model: what the parser gives the engine. Every node a finding can point at keeps its
 * file and range. Values that are GitHub expressions (`${{ … }}`) are kept as text and marked.
 */
import type { FileRange, Finding } from '../types.js'

/** A scalar value as written, with where it stands. */
export interface Scalar {
  /** The value as a string (numbers and booleans are stringified as written). */
  value: string
  /** True when the value contains a `${{ … }}` expression. */
  isExpression: boolean
  range: FileRange
  /** The range of the key (`role-to-assume:`) when the scalar is a mapping value. */
  keyRange?: FileRange
}

/** `uses:` split into its parts. */
export interface UsesRef {
  raw: string
  kind: 'action' | 'docker' | 'local' | 'invalid'
  /** `owner/repo` for actions, the image for docker, the path for local (`./x` kept as written). */
  owner?: string
  repo?: string
  /** Sub-path inside the action repository (`actions/aws/foo@v1` -> `foo`). */
  path?: string
  ref?: string
  /** `owner/repo[/path]` without the ref, lower-cased: what rule globs are matched against. */
  name: string
  range: FileRange
}

/** Minutes: a number, or 'expression' when it is an expression whose value is not known here. */
export type Minutes = number | 'expression'

export interface RunScript {
  /** The script text as YAML gives it (block scalars unfolded). */
  text: string
  range: FileRange
  /** The 1-based source line of each line of `text` (same length as text.split('\n')). */
  lines: number[]
}

/** How a step came into a job: directly, or through a local composite action. */
export interface Expansion {
  /** The `uses: ./path` step that pulled this step in (itself possibly expanded). */
  via: Step
  /** The composite action file the step is written in. */
  file: string
}

export interface Step {
  /** The file the step is written in (a composite's action.yml for expanded steps). */
  file: string
  /** Index in the job's expanded step list. */
  index: number
  /** Index among the steps of its own file's `steps:` list. */
  localIndex: number
  id?: string
  name?: string
  /** The name a person reads: `name`, else `uses`, else the first line of `run`, else `step N`. */
  label: string
  range: FileRange
  uses?: UsesRef
  with: Record<string, Scalar>
  run?: RunScript
  shell?: string
  /** Step-level env only; see `effectiveEnv` for step ∪ job ∪ workflow. */
  env: Record<string, Scalar>
  /** Env as the step sees it: workflow, then job, then composite caller's, then step entries. */
  effectiveEnv: Record<string, Scalar>
  if?: Scalar
  timeoutMinutes?: Minutes
  continueOnError?: boolean | 'expression'
  expansion?: Expansion
  /** Set on a `uses: ./x` step whose composite was expanded (its steps follow it in the job). */
  expanded?: boolean
  /** Set on a `uses:` step that could not be looked into (remote or missing composite). */
  unresolved?: string
  /** `background: true`: the step runs alongside the steps after it until a `wait` or `cancel`. */
  background?: boolean
  /** A step that waits for (`wait: id`, `wait-all:`) or cancels (`cancel: id`) background steps. */
  control?: { kind: 'wait' | 'wait-all' | 'cancel'; ids: string[] }
  /** Steps of one `parallel:` block run at the same time; they share this number (unique in the job). */
  parallelGroup?: number
}

/** Effective permissions of a job. */
export interface Permissions {
  /**
   * 'map': `scopes` says each scope's level (missing scopes are 'none');
   * 'read-all' / 'write-all': the shorthand; 'default': none set at workflow or job level
   * (the repository's default applies; `id-token` is not granted by default);
   * 'inherited': a reusable workflow whose caller decides.
   */
  kind: 'map' | 'read-all' | 'write-all' | 'default' | 'inherited'
  scopes: Record<string, 'read' | 'write' | 'none'>
  /** Where the effective permissions are written (job's block, else the workflow's). */
  range?: FileRange
}

export interface Job {
  id: string
  name?: string
  file: string
  /** The job's key (`build:`). */
  range: FileRange
  /** 'steps' for a normal job, 'reusable' for `jobs.<id>.uses`. */
  kind: 'steps' | 'reusable'
  runsOn?: string
  permissions: Permissions
  /** The job's `timeout-minutes`, or 360 when unset. */
  timeoutMinutes: Minutes
  timeoutSet: boolean
  if?: Scalar
  needs: string[]
  env: Record<string, Scalar>
  environment?: string
  hasMatrix: boolean
  strategy?: unknown
  container?: unknown
  services?: unknown
  /** The steps, with local composite actions expanded in place. */
  steps: Step[]
  /** For reusable-workflow jobs. */
  uses?: UsesRef
  with: Record<string, Scalar>
  secrets?: 'inherit' | Record<string, Scalar>
}

export interface Workflow {
  file: string
  kind: 'workflow' | 'composite'
  name?: string
  /** Trigger event names (`on:` as a string, list or map). */
  triggers: string[]
  env: Record<string, Scalar>
  permissions: Permissions
  /** For a composite action, one pseudo-job named after the file holding its steps. */
  jobs: Job[]
  /** Inputs of a composite action or a `workflow_call`. */
  inputs: string[]
}

/** What parsing one file gives: a model (unless the file is unusable) and the problems found. */
export interface ParseResult {
  workflow?: Workflow
  /** Parse problems as findings (rule id `parse-error` / `invalid-workflow`), each with its line. */
  findings: Finding[]
  /** The source lines, for comment markers (suppressions, quick fixes). */
  lines: string[]
  /** Set when the file was not checked, with the reason (too large, not a workflow). */
  skipped?: string
}

/** Reads a file of the scanned repository by its repo-relative path; undefined when absent. */
export type FileReader = (path: string) => string | undefined
