/**
 * The action's inputs, read and validated in one function at run time (never at import). A bad value
 * fails the run with a message that names the input and what it accepts.
 */
import { UserError } from './engine/api.js'

export type Scope = 'changed' | 'all'
export type FailOn = 'error' | 'warning' | 'notice' | 'never'

export interface ActionInputs {
  token: string
  /** minimatch globs of repository paths to check. */
  paths: string[]
  /** The config file, repository-relative. */
  config: string
  /** Extra rule folders, repository-relative. */
  rules: string[]
  /** Undefined: `changed` on pull requests and merge queues, `all` on other events. */
  scope?: Scope
  failOn: FailOn
  comment: 'update' | 'off'
  annotations: boolean
  /** Where to write SARIF ('' for nowhere). */
  sarifFile: string
  now: Date
}

export const DEFAULT_PATHS = [
  '.github/workflows/**/*.{yml,yaml}',
  '.github/actions/**/action.{yml,yaml}'
]
export const DEFAULT_CONFIG = '.github/prevent-similar-bugs.yml'

/** Reads an input as the runner passes it: `INPUT_<NAME>` with spaces as `_`, upper-cased. */
export function envInput(env: NodeJS.ProcessEnv): (name: string) => string {
  return (name) => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? ''
}

function oneOf<T extends string>(
  name: string,
  value: string,
  allowed: readonly T[],
  fallback: T
): T {
  const v = value.trim()
  if (v === '') return fallback
  if ((allowed as readonly string[]).includes(v)) return v as T
  throw new UserError(`input \`${name}\` must be one of ${allowed.join(', ')}; got "${v}"`)
}

/** A repository-relative path: no absolute path, no `..`, no NUL. */
function repoPath(name: string, value: string): string {
  const v = value.trim().replace(/^\.\//, '').replace(/\/+$/, '')
  if (
    v === '' ||
    v.startsWith('/') ||
    /^[A-Za-z]:[\\/]/.test(v) ||
    v.split(/[\\/]/).includes('..') ||
    v.includes('\0')
  ) {
    throw new UserError(`input \`${name}\`: "${value.trim()}" must be a path inside the repository`)
  }
  return v
}

/** Lines or commas; blank lines and `#` comments ignored. */
function list(value: string): string[] {
  return value
    .split(/\r?\n|,/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'))
}

export function readInputs(get: (name: string) => string): ActionInputs {
  const token = get('github-token').trim()

  const paths = list(get('paths'))
  for (const p of paths) repoPath('paths', p.replace(/^!/, ''))

  const configRaw = get('config').trim()
  const config = configRaw ? repoPath('config', configRaw) : DEFAULT_CONFIG

  const rules = list(get('rules')).map((r) => repoPath('rules', r))

  const scopeRaw = get('scope').trim()
  const scope = scopeRaw
    ? oneOf<Scope>('scope', scopeRaw, ['changed', 'all'], 'changed')
    : undefined

  const failOn = oneOf<FailOn>(
    'fail-on',
    get('fail-on'),
    ['error', 'warning', 'notice', 'never'],
    'error'
  )
  const comment = oneOf('comment', get('comment'), ['update', 'off'] as const, 'update')

  const annRaw = get('annotations').trim()
  let annotations = true
  if (annRaw !== '') {
    if (/^(true|True|TRUE)$/.test(annRaw)) annotations = true
    else if (/^(false|False|FALSE)$/.test(annRaw)) annotations = false
    else throw new UserError(`input \`annotations\` must be true or false; got "${annRaw}"`)
  }

  const sarifRaw = get('sarif-file').trim()
  const sarifFile = sarifRaw ? repoPath('sarif-file', sarifRaw) : ''

  const nowRaw = get('now').trim()
  let now = new Date()
  if (nowRaw !== '') {
    if (
      !/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(nowRaw) ||
      Number.isNaN(Date.parse(nowRaw))
    ) {
      throw new UserError(
        `input \`now\` must be a date (YYYY-MM-DD or an ISO 8601 time); got "${nowRaw}"`
      )
    }
    now = new Date(nowRaw.length === 10 ? `${nowRaw}T00:00:00Z` : nowRaw)
  }

  if (token === '' && comment === 'update') {
    // Checked here so the message names the input; reading files through the API needs it too.
    throw new UserError(
      'input `github-token` is empty; give it `${{ github.token }}` (the default) or a token'
    )
  }

  return {
    token,
    paths: paths.length ? paths : DEFAULT_PATHS,
    config,
    rules,
    scope,
    failOn,
    comment,
    annotations,
    sarifFile,
    now
  }
}
