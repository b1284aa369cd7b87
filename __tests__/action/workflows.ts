/** Workflows, paths and expected strings shared by the end-to-end tests. */
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { PrFileEntry } from './fake-github.js'
import { BUNDLE } from './harness.js'

export const MARKER = '<!-- prevent-similar-bugs -->'
export const WF = '.github/workflows/deploy.yml'
export const CONFIG = '.github/prevent-similar-bugs.yml'

/** A job that authenticates to AWS with OIDC without `id-token: write`: rule oidc-permission-missing. */
export function job(id: string, stepName = 'Configure AWS credentials'): string {
  return `  ${id}:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: ${stepName}
        uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: us-east-1
      - run: aws s3 ls
`
}
export const header = (perms = '  contents: read\n') =>
  `name: deploy\non: push\npermissions:\n${perms}jobs:\n`
/** One finding, at line 11 (the `uses:` of the auth step). */
export const ONE = header() + job('deploy')
/** Two findings: lines 11 and 21. */
export const TWO = header() + job('deploy') + job('release')
/** Fixed: the permission is granted. */
export const FIXED = header('  contents: read\n  id-token: write\n') + job('deploy')

export const blob = (sha: string, path = WF) => `https://github.com/acme/app/blob/${sha}/${path}`
export const annotation = (line: number, col = 15, endColumn = 55, file = WF) =>
  `::error file=${file},line=${line},endLine=${line},col=${col},endColumn=${endColumn},title=oidc-permission-missing::`

export const pulls = (n = 7) => `/repos/acme/app/pulls/${n}/files?per_page=100`
export const contents = (path: string, ref: string) => `/repos/acme/app/contents/${path}?ref=${ref}`
export const comments = (n = 7) => `/repos/acme/app/issues/${n}/comments?per_page=100`

export const modified = (filename: string): PrFileEntry => ({ filename, status: 'modified' })

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The number of built-in rules, as the footer shows it (from the rules/ folder, not hard-coded). */
export function builtinCount(): number {
  return readdirSync(join(dirname(BUNDLE), '..', 'rules')).filter((f) => /\.ya?ml$/.test(f)).length
}
