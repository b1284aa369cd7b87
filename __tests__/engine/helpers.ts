/** Test helpers: rule folders in temp dirs, and scans of inline workflows. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Config, RuleSet } from '../../src/engine/api.js'
import { defaultConfig } from '../../src/config/config.js'
import { loadRuleSet } from '../../src/rules/load.js'
import { scan } from '../../src/engine/scan.js'
import type { Finding, ScanResult } from '../../src/types.js'

/** Writes files (path -> text) under a new temp dir and returns the dir. */
export function tempTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'psb-engine-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

/** Loads a rule set from inline rule and catalog files (`rules: {'x.yml': …}`, `catalog: {'c.yml': …}`). */
export function ruleSetOf(
  rules: Record<string, string>,
  catalog: Record<string, string> = {},
  config?: Config
): RuleSet {
  const files: Record<string, string> = {}
  for (const [k, v] of Object.entries(rules)) files[k] = v
  for (const [k, v] of Object.entries(catalog)) files[`catalog/${k}`] = v
  const dir = tempTree(files)
  return loadRuleSet({ dirs: [dir], config: config ?? defaultConfig(), root: dir })
}

export interface ScanOpts {
  config?: Config
  now?: string
  extraFiles?: Record<string, string>
}

/** Scans one workflow text (at .github/workflows/ci.yml unless a path is given). */
export function scanText(
  ruleSet: RuleSet,
  text: string,
  opts: ScanOpts & { path?: string } = {}
): ScanResult {
  const path = opts.path ?? '.github/workflows/ci.yml'
  const all: Record<string, string> = { [path]: text, ...(opts.extraFiles ?? {}) }
  return scan({
    files: [{ path, text }],
    readFile: (p) => all[p],
    ruleSet,
    config: opts.config ?? defaultConfig(),
    now: new Date(`${opts.now ?? '2026-01-15'}T12:00:00Z`)
  })
}

/** `rule line severity` for each finding, for compact exact assertions. */
export function brief(findings: Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.line} ${f.severity}`)
}

/** A small catalog in the documented format, shared by the engine tests. */
export const TEST_CATALOG = String.raw`
auth:
  - id: aws-creds
    provider: aws
    where: { uses: aws-actions/configure-aws-credentials }
    modes:
      - { mode: static, where: { with: { aws-access-key-id: true } } }
      - { mode: oidc, where: { with: { role-to-assume: true } } }
    lifetime:
      input: role-duration-seconds
      unit: seconds
      default: 3600
      max: 43200
      caps:
        - where: { with: { role-chaining: 'true' } }
          max: 3600
          reason: role chaining
  - id: gcp-auth
    provider: gcp
    where: { uses: google-github-actions/auth }
    lifetime: { input: access_token_lifetime, unit: seconds, default: 3600s, max: 12h }
  - id: azure-login
    provider: azure
    where: { uses: azure/login }
    lifetime: refreshing
secret-read:
  - id: ssm
    provider: aws
    store: SSM
    where: { run: '\baws\s+ssm\s+get-parameters?\b' }
  - id: gcp-secret
    provider: gcp
    store: Secret Manager
    where: { run: '\bgcloud\s+secrets\s+versions\s+access\b' }
cloud-use:
  - { id: s3, provider: aws, where: { run: '\baws\s+s3\s' } }
refresh:
  - { id: loop, provider: aws, where: { run: 'while true' } }
durations:
  default-minutes: 1
  entries:
    - { category: build, minutes: 20, where: { run: '(?i)\bmake\b' } }
    - { category: test, minutes: 15, where: { run: '\bnpm test\b' } }
    - { category: test, minutes: 5, where: { name: '(?i)tests' } }
    - { category: docker, minutes: 10, where: { run: 'docker build' } }
`

/** A one-alias rule with the given step predicate (YAML flow text), named `probe`. */
export function probeRule(where: string, extra = ''): string {
  return `id: probe
title: Probe
severity: warning
message: 'matched {s.label}'
recommendation: none
match:
  steps:
    - as: s
      where: ${where}
${extra}`
}

/** Lines of the findings of rule `id`. */
export function linesOf(result: ScanResult, id = 'probe'): number[] {
  return result.findings.filter((f) => f.ruleId === id).map((f) => f.line)
}
