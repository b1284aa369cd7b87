/**
 * Runs the committed bundle `dist/index.js` as the runner does: a node process with `INPUT_*` for every
 * input of action.yml (defaults filled in as the runner fills them), the event payload in
 * GITHUB_EVENT_PATH, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and GITHUB_API_URL at a fake server.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** The bundle under test: the committed one, or another build (PSB_ACTION_BUNDLE) of the same sources. */
export const BUNDLE = process.env.PSB_ACTION_BUNDLE
  ? resolve(process.env.PSB_ACTION_BUNDLE)
  : join(ROOT, 'dist', 'index.js')

export interface RunOptions {
  event: string
  payload: object
  sha: string
  apiUrl: string
  inputs?: Record<string, string>
  /** The workspace folder (default: an empty one, so files are read through the API). */
  workspace?: string
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  workspace: string
}

/** Parses GITHUB_OUTPUT (`name<<delimiter` blocks, as @actions/core writes them). */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (!m) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i])
    out[m[1]] = value.join('\n')
  }
  return out
}

function actionDefaults(): Record<string, string> {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
  }
  const out: Record<string, string> = {}
  for (const [name, spec] of Object.entries(action.inputs)) {
    out[name] = name === 'github-token' ? 'ghs_testtoken' : String(spec.default ?? '')
  }
  return out
}

/** A workspace folder with the given files, checked out at `sha` when given (a `.git/HEAD`). */
export function makeWorkspace(files: Record<string, string>, sha?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'psb-ws-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  if (sha) {
    mkdirSync(join(dir, '.git'), { recursive: true })
    writeFileSync(join(dir, '.git', 'HEAD'), `${sha}\n`)
  }
  return dir
}

export async function runAction(opts: RunOptions): Promise<RunResult> {
  const tmp = mkdtempSync(join(tmpdir(), 'psb-run-'))
  const eventPath = join(tmp, 'event.json')
  const outputPath = join(tmp, 'output')
  const summaryPath = join(tmp, 'summary.md')
  writeFileSync(eventPath, JSON.stringify(opts.payload, null, 2))
  writeFileSync(outputPath, '')
  writeFileSync(summaryPath, '')
  const workspace = opts.workspace ?? makeWorkspace({})
  const inputs = { ...actionDefaults(), ...(opts.inputs ?? {}) }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: tmp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: opts.event,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_SHA: opts.sha,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_API_URL: opts.apiUrl,
    GITHUB_GRAPHQL_URL: `${opts.apiUrl}/graphql`,
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: tmp
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  const child = spawn(process.execPath, [BUNDLE], {
    cwd: workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')))
  const code = await new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)))
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputPath, 'utf8')),
    summary: readFileSync(summaryPath, 'utf8'),
    workspace
  }
}

export const HEAD1 = 'a1'.repeat(20)
export const HEAD2 = 'b2'.repeat(20)
export const HEAD3 = 'c3'.repeat(20)
export const BASE = 'ba5e'.repeat(10)

/** A `pull_request` event payload shaped like GitHub's (the fields the action reads, and more). */
export function prPayload(opts: {
  number?: number
  head: string
  base?: string
  changedFiles: number
  fork?: boolean
  action?: string
}): object {
  const number = opts.number ?? 7
  const headRepo = opts.fork ? 'contributor/app' : 'acme/app'
  return {
    action: opts.action ?? 'synchronize',
    number,
    pull_request: {
      url: `https://api.github.com/repos/acme/app/pulls/${number}`,
      html_url: `https://github.com/acme/app/pull/${number}`,
      number,
      state: 'open',
      title: 'Deploy with OIDC',
      user: { login: opts.fork ? 'contributor' : 'dev', type: 'User' },
      draft: false,
      changed_files: opts.changedFiles,
      head: {
        label: `${headRepo.split('/')[0]}:feature`,
        ref: 'feature',
        sha: opts.head,
        repo: {
          full_name: headRepo,
          fork: Boolean(opts.fork),
          name: 'app',
          owner: { login: headRepo.split('/')[0] }
        }
      },
      base: {
        label: 'acme:main',
        ref: 'main',
        sha: opts.base ?? BASE,
        repo: { full_name: 'acme/app', fork: false, name: 'app', owner: { login: 'acme' } }
      }
    },
    repository: { full_name: 'acme/app', name: 'app', owner: { login: 'acme' }, private: false },
    sender: { login: opts.fork ? 'contributor' : 'dev', type: 'User' }
  }
}
