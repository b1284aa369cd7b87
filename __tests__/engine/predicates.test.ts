import { describe, expect, test } from '@jest/globals'
import { linesOf, probeRule, ruleSetOf, scanText, TEST_CATALOG } from './helpers.js'

const WF = `on: [push, pull_request]
env:
  GLOBAL: 'yes'
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Configure
        uses: aws-actions/configure-aws-credentials@v4.1.0
        with:
          role-to-assume: arn:aws:iam::1:role/x
          role-duration-seconds: 7200
          audience: \${{ vars.AUD }}
          role-chaining: TRUE
      - run: aws ssm get-parameter --name /x
        if: github.ref == 'refs/heads/main'
        timeout-minutes: 30
        env:
          TOKEN: \${{ steps.auth.outputs.access_token }}
      - uses: docker://alpine:3
      - name: Run tests
        run: npm test
`
// lines: checkout 8, Configure 9 (uses 10, with keys 12-15), ssm run 16, docker 21, tests 22 (run 23)

function lines(where: string): number[] {
  return linesOf(
    scanText(ruleSetOf({ 'probe.yml': probeRule(where) }, { 'c.yml': TEST_CATALOG }), WF)
  )
}

describe('step predicates', () => {
  test('uses: glob, list, case and ref ignored; docker as written', () => {
    expect(lines('{ uses: aws-actions/configure-aws-credentials }')).toEqual([10])
    expect(lines('{ uses: [actions/*, AWS-Actions/*] }')).toEqual([8, 10])
    expect(lines("{ uses: 'docker://alpine*' }")).toEqual([21])
  })
  test('uses-ref', () => {
    expect(lines("{ uses-ref: 'v4.*' }")).toEqual([10])
    expect(lines("{ uses-ref: 'v4' }")).toEqual([8])
  })
  test('with: present, absent, equal (true/false case-insensitive), pattern, number, expression', () => {
    // the finding points at the tested key's line
    expect(lines('{ with: { role-to-assume: true } }')).toEqual([12])
    expect(lines('{ uses: aws-actions/*, with: { aws-access-key-id: false } }')).toEqual([10])
    expect(lines("{ with: { role-chaining: 'true' } }")).toEqual([15])
    expect(lines("{ with: { role-duration-seconds: '7200' } }")).toEqual([13])
    expect(lines('{ with: { role-duration-seconds: 7200 } }')).toEqual([13])
    expect(lines("{ with: { role-to-assume: { pattern: ':role/x$' } } }")).toEqual([12])
    expect(lines('{ with: { role-duration-seconds: { number: { gt: 3600 } } } }')).toEqual([13])
    expect(lines('{ with: { role-duration-seconds: { number: { lte: 3600 } } } }')).toEqual([])
    expect(lines('{ with: { audience: { expression: true } } }')).toEqual([14])
    expect(lines('{ with: { audience: { number: { gt: 0 } } } }')).toEqual([])
    expect(lines('{ with: { audience: { present: false } } }')).toEqual([8, 16, 21, 23])
  })
  test('env: the effective env (workflow, job, step)', () => {
    expect(lines("{ env: { GLOBAL: 'yes' }, run: 'ssm' }")).toEqual([16])
    expect(lines('{ env: { TOKEN: { expression: true } } }')).toEqual([20])
  })
  test('run, text, if, name, timeout', () => {
    expect(lines("{ run: '\\bssm\\b' }")).toEqual([16])
    expect(lines("{ run: '(?i)NPM TEST' }")).toEqual([23])
    expect(lines("{ text: 'steps\\.auth\\.outputs\\.access_token' }")).toEqual([16])
    expect(lines("{ text: 'role/x' }")).toEqual([10])
    expect(lines("{ if: 'refs/heads/main' }")).toEqual([16])
    expect(lines('{ if: false, run: npm }')).toEqual([23])
    expect(lines("{ name: '^Run tests$' }")).toEqual([23])
    expect(lines('{ timeout: { gt: 20 } }')).toEqual([16])
    expect(lines('{ timeout: { gt: 30 } }')).toEqual([])
  })
  test('catalog entries of every shape are tried on the steps their uses allows, in catalog order', () => {
    // Entries gated on `uses` (directly, under all, under an any of uses only) and entries that are
    // not (run, an any that mixes uses and run, not uses): each matches exactly where it should.
    const catalog = String.raw`
auth:
  - { id: by-uses, provider: a, where: { uses: aws-actions/* } }
  - { id: all-uses, provider: b, where: { all: [ { uses: '*/configure-aws-*' }, { with: { role-to-assume: true } } ] } }
  - { id: any-uses, provider: c, where: { any: [ { uses: 'docker://*' }, { uses: actions/checkout } ] } }
  - { id: mixed, provider: d, where: { any: [ { uses: nothing/here }, { run: 'npm test' } ] } }
  - { id: not-uses, provider: e, where: { not: { uses: '*/*' } } }
  - { id: by-run, provider: f, where: { run: 'aws ssm' } }
`
    const run = (where: string, message = "'matched {s.label}'") =>
      scanText(
        ruleSetOf(
          { 'probe.yml': probeRule(where).replace("'matched {s.label}'", message) },
          { 'c.yml': catalog }
        ),
        WF
      )
    const hits = (provider: string) =>
      linesOf(run(`{ catalog: { kind: auth, provider: ${provider} } }`))
    expect(hits('a')).toEqual([10])
    expect(hits('b')).toEqual([10])
    expect(hits('c')).toEqual([8, 21])
    expect(hits('d')).toEqual([23])
    expect(hits('e')).toEqual([16, 23]) // docker://alpine:3 has a slash: `*/*` matches it
    expect(hits('f')).toEqual([16])
    // a step's hit is the first matching entry in catalog order
    const first = run('{ catalog: { kind: auth } }', "'{s.entry}'")
    expect(first.findings.map((f) => `${f.line} ${f.message}`)).toEqual([
      '8 any-uses',
      '10 by-uses',
      '16 not-uses',
      '21 any-uses',
      '23 mixed'
    ])
  })

  test('catalog: kind and fields (mode, provider, extra fields)', () => {
    expect(lines('{ catalog: { kind: auth } }')).toEqual([10])
    expect(lines('{ catalog: { kind: auth, mode: oidc } }')).toEqual([10])
    expect(lines('{ catalog: { kind: auth, mode: static } }')).toEqual([])
    expect(lines('{ catalog: { kind: secret-read, store: SSM } }')).toEqual([16])
    expect(lines('{ catalog: { kind: secret-read, provider: [gcp, azure] } }')).toEqual([])
    expect(lines('{ catalog: { kind: duration, category: test } }')).toEqual([23])
  })
  test('all / any / not, and the empty predicate', () => {
    expect(lines('{ all: [{ uses: "actions/*" }, { uses-ref: v4 }] }')).toEqual([8])
    expect(lines('{ any: [{ run: ssm }, { uses: "docker://*" }] }')).toEqual([16, 21])
    expect(lines('{ not: { uses: "**" } }')).toEqual([16, 23])
    expect(lines('{}')).toEqual([8, 10, 16, 21, 23])
  })
})

describe('job predicates', () => {
  const job = (jobPred: string, wf: string) =>
    linesOf(
      scanText(
        ruleSetOf({
          'probe.yml': `id: probe
title: Probe
severity: notice
message: job {job}
recommendation: none
match:
  job: ${jobPred}
  steps:
    - as: s
      where: { run: go }
`
        }),
        wf
      )
    )
  const WF2 = `on: { push: {}, workflow_dispatch: {} }
permissions: { contents: read }
jobs:
  a:
    runs-on: x
    permissions: { id-token: write, contents: read }
    timeout-minutes: 30
    strategy: { matrix: { v: [1, 2] } }
    steps:
      - run: go
  b:
    runs-on: x
    steps:
      - run: go
`
  test('permissions, negation, triggers, timeout, matrix, kind', () => {
    expect(job('{ permissions: { id-token: write } }', WF2)).toEqual([10])
    expect(job('{ permissions: { id-token: { not: write } } }', WF2)).toEqual([14])
    expect(job('{ permissions: { contents: [read, write] } }', WF2)).toEqual([10, 14])
    expect(job('{ triggers: workflow_dispatch }', WF2)).toEqual([10, 14])
    expect(job('{ triggers: [schedule] }', WF2)).toEqual([])
    expect(job('{ timeout: { lt: 60 } }', WF2)).toEqual([10])
    expect(job('{ matrix: true }', WF2)).toEqual([10])
    expect(job('{ not: { matrix: true } }', WF2)).toEqual([14])
    expect(job('{ kind: composite }', WF2)).toEqual([])
    expect(job('{ any: [{ kind: workflow }] }', WF2)).toEqual([10, 14])
  })
  test('default permissions: id-token is none; other scopes unknown (no negative match)', () => {
    const wf = `on: push
jobs:
  a:
    runs-on: x
    steps:
      - run: go
`
    expect(job('{ permissions: { id-token: { not: write } } }', wf)).toEqual([6])
    expect(job('{ permissions: { contents: { not: write } } }', wf)).toEqual([])
  })
})
