/**
 * Property-based: random and mutated workflows never crash the parser, the engine or a reporter, and
 * every finding points inside its file (1 <= line <= the number of lines of that file).
 */
import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { join } from 'node:path'
import { parseWorkflow } from '../../src/workflow/parse.js'
import type { ParseResult } from '../../src/workflow/model.js'
import type { Finding, ScanResult } from '../../src/types.js'
import { scan } from '../../src/engine/scan.js'
import { loadRuleSet } from '../../src/rules/load.js'
import { defaultConfig } from '../../src/config/config.js'
import { renderJson } from '../../src/report/json.js'
import { renderText } from '../../src/report/text.js'
import { renderSarif } from '../../src/report/sarif.js'
import { renderAnnotations } from '../../src/report/annotations.js'
import { renderComment } from '../../src/report/comment.js'

const PATH = '.github/workflows/w.yml'

const SEEDS = [
  [
    'name: CI',
    'on: [push, pull_request]',
    'permissions:',
    '  id-token: write',
    '  contents: read',
    'env: &env',
    '  A: "1"',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    env: *env',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: aws-actions/configure-aws-credentials@v4',
    '        with:',
    '          role-to-assume: arn:aws:iam::123456789012:role/ci',
    '          aws-region: eu-west-1',
    '      - run: ./gradlew assemble',
    '      - run: ./gradlew test',
    '      - run: |',
    '          docker build -t app .',
    '      - run: npx playwright test',
    '      - run: npm run test:integration',
    '      - run: >',
    '          npx cdk deploy',
    '          --all',
    '      - uses: ./.github/actions/setup',
    '        with: { x: "${{ inputs.x }}" }',
    '      - name: "upload"',
    '        run: aws s3 sync out/ s3://bucket/'
  ].join('\n'),
  [
    'on:',
    '  workflow_call:',
    '    inputs:',
    '      t: { type: number }',
    'jobs:',
    '  a:',
    '    uses: octo/repo/.github/workflows/x.yml@v1',
    '    secrets: inherit',
    '  b:',
    '    runs-on: ${{ matrix.os }}',
    '    timeout-minutes: ${{ inputs.t }}',
    '    strategy: { matrix: { os: [ubuntu-latest, windows-latest] } }',
    '    container: node:20',
    '    services: { redis: { image: redis } }',
    '    steps:',
    '      - run: \'echo "quoted"\'',
    '        continue-on-error: true',
    '      - uses: google-github-actions/auth@v2',
    '        with:',
    '          workload_identity_provider: projects/1/locations/global/workloadIdentityPools/p/providers/q',
    '      - run: gcloud storage cp a gs://b # prevent-similar-bugs: ignore oidc-session-expiry'
  ].join('\n'),
  [
    'runs:',
    '  using: composite',
    '  steps:',
    '    - run: echo "${{ inputs.x }}"',
    '      shell: bash',
    '    - uses: ./.github/actions/setup'
  ].join('\n')
]

const SETUP = [
  'name: setup',
  'runs:',
  '  using: composite',
  '  steps:',
  '    - uses: azure/login@v2',
  '      with: { client-id: x, tenant-id: y, subscription-id: z }',
  '    - run: az storage blob upload',
  '      shell: bash'
].join('\n')

const REPO: Record<string, string> = { '.github/actions/setup/action.yml': SETUP }
const readFile = (p: string) => REPO[p]

const SPECIALS = [
  '[',
  ']',
  '{',
  '}',
  ':',
  ': ',
  '- ',
  '? ',
  '&a ',
  '*a',
  '!!str ',
  '|',
  '>',
  "'",
  '"',
  '#',
  '%',
  '@',
  '`',
  ',',
  '\t',
  '\r',
  '\n',
  '\r\n',
  '\u0000',
  '\ufeff',
  '${{',
  '}}',
  '<<: *env',
  '---\n',
  '...\n',
  '\u2028',
  '\\',
  '::error::x',
  '<script>'
]

type Op =
  | { kind: 'delete' | 'duplicate' | 'indent' | 'dedent' | 'tab'; at: number }
  | { kind: 'swap'; at: number; to: number }
  | { kind: 'insert'; at: number; col: number; text: string }
  | { kind: 'truncate'; at: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('delete', 'duplicate', 'indent', 'dedent', 'tab') as fc.Arbitrary<
      'delete' | 'duplicate' | 'indent' | 'dedent' | 'tab'
    >,
    at: fc.nat()
  }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    col: fc.nat(),
    text: fc.oneof(fc.constantFrom(...SPECIALS), fc.string({ maxLength: 6 }))
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() })
)

function mutate(seed: string, ops: Op[]): string {
  let lines = seed.split('\n')
  for (const o of ops) {
    if (lines.length === 0) lines = ['']
    const i = o.at % lines.length
    switch (o.kind) {
      case 'delete':
        lines.splice(i, 1)
        break
      case 'duplicate':
        lines.splice(i, 0, lines[i])
        break
      case 'indent':
        lines[i] = `  ${lines[i]}`
        break
      case 'dedent':
        lines[i] = lines[i].replace(/^ {1,2}/, '')
        break
      case 'tab':
        lines[i] = `\t${lines[i]}`
        break
      case 'swap': {
        const j = o.to % lines.length
        ;[lines[i], lines[j]] = [lines[j], lines[i]]
        break
      }
      case 'insert': {
        const col = o.col % (lines[i].length + 1)
        lines[i] = lines[i].slice(0, col) + o.text + lines[i].slice(col)
        break
      }
      case 'truncate': {
        const text = lines.join('\n')
        lines = text.slice(0, o.at % (text.length + 1)).split('\n')
        break
      }
    }
  }
  return lines.join('\n')
}

const mutated = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(op, { minLength: 1, maxLength: 6 }))
  .map(([seed, ops]) => mutate(seed, ops))
const randomText = fc.string({ unit: 'binary', maxLength: 200 })
const anyWorkflow = fc.oneof(
  { arbitrary: mutated, weight: 4 },
  { arbitrary: randomText, weight: 1 }
)

/** Line counts of every file a finding may point into. */
function lineCounts(text: string, r: ParseResult): Map<string, number> {
  const m = new Map<string, number>([[PATH, r.lines.length || text.split(/\r?\n/).length]])
  for (const [p, t] of Object.entries(REPO)) m.set(p, t.split(/\r?\n/).length)
  return m
}

function inside(
  f: Pick<Finding, 'file' | 'line' | 'column' | 'endLine'>,
  counts: Map<string, number>
): void {
  const n = counts.get(f.file)
  expect(n).toBeDefined()
  expect(f.line).toBeGreaterThanOrEqual(1)
  expect(f.line).toBeLessThanOrEqual(n!)
  expect(f.endLine).toBeGreaterThanOrEqual(f.line)
  expect(f.endLine).toBeLessThanOrEqual(n!)
  expect(f.column).toBeGreaterThanOrEqual(1)
}

describe('the parser on random and mutated workflows', () => {
  test('never throws; every finding and every step range lies inside its file', () => {
    fc.assert(
      fc.property(anyWorkflow, fc.boolean(), (text, asAction) => {
        const path = asAction ? '.github/actions/x/action.yml' : PATH
        const r = parseWorkflow({ path, text }, readFile)
        const counts = lineCounts(text, r)
        counts.set(path, counts.get(PATH)!)
        for (const f of r.findings) inside(f, counts)
        for (const job of r.workflow?.jobs ?? []) {
          for (const s of job.steps) {
            inside({ ...s.range, file: s.file }, counts)
            for (const line of s.run?.lines ?? []) {
              expect(line).toBeGreaterThanOrEqual(s.run!.range.line)
              expect(line).toBeLessThanOrEqual(
                Math.max(s.run!.range.endLine, s.run!.range.line + 1)
              )
            }
            if (s.run) expect(s.run.lines).toHaveLength(s.run.text.split('\n').length)
          }
        }
      }),
      { numRuns: 1500, seed: 6 }
    )
  })
})

describe('the engine and every reporter on mutated workflows', () => {
  const ruleSet = loadRuleSet({
    builtinDir: join(process.cwd(), 'rules'),
    dirs: [],
    config: defaultConfig()
  })
  const now = new Date('2026-01-15T00:00:00Z')

  test('never throw; findings inside their files; outputs well-formed', () => {
    fc.assert(
      fc.property(anyWorkflow, (text) => {
        const result: ScanResult = scan({
          files: [{ path: PATH, text }],
          readFile,
          ruleSet,
          config: defaultConfig(),
          now
        })
        const counts = lineCounts(text, parseWorkflow({ path: PATH, text }, readFile))
        for (const f of result.findings) {
          inside(f, counts)
          for (const r of f.related ?? []) inside(r, counts)
        }
        expect(result.files.map((f) => f.path)).toEqual([PATH])
        expect(JSON.parse(renderJson(result)).findings).toHaveLength(result.findings.length)
        expect(JSON.parse(renderSarif(result)).runs[0].results).toHaveLength(result.findings.length)
        const text1 = renderText(result, { colour: false, quiet: false })
        // eslint-disable-next-line no-control-regex
        expect(text1).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/)
        const ann = renderAnnotations(result)
        expect(typeof ann).toBe('object')
        const md = renderComment(result, { now, repoUrl: 'https://github.com/o/r', headSha: 'abc' })
        expect(md.startsWith('<!-- prevent-similar-bugs -->')).toBe(true)
      }),
      { numRuns: 300, seed: 6 }
    )
  })
})
