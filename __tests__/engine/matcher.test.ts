import { describe, expect, test } from '@jest/globals'
import { brief, ruleSetOf, scanText, TEST_CATALOG } from './helpers.js'

const LATE_READ = `id: late-read
title: Late read
severity: error
message: >-
  {use.label} reads {use.store} {estimate} min after {auth.label} (line {auth.line}, {auth.mode});
  lifetime {lifetime} ({lifetime.source}); bound {bound}; between {between.long.labels} ({between.long.count})
recommendation: 'Move \`{use.label}\` up in job {job}; keep \${{ secrets.X }}, {{ x }} and \${HOME}; {auth.with.role-duration-seconds} / {auth.env.NOPE}'
match:
  steps:
    - as: auth
      where: { catalog: { kind: auth, provider: $use.provider } }
    - as: use
      where: { catalog: { kind: secret-read } }
  conditions:
    - between: { from: auth, to: use, none: { catalog: { kind: refresh } } }
    - time: { from: auth, to: use, lifetime-of: auth, estimated: { gt: lifetime * 0.5 } }
levels:
  - severity: error
    when: [{ between: { from: auth, to: use, some: { catalog: { kind: duration, category: [build, docker] } }, as: long } }]
  - severity: warning
    when: [{ between: { from: auth, to: use, as: long } }]
`

const rs = () => ruleSetOf({ 'late-read.yml': LATE_READ }, { 'c.yml': TEST_CATALOG })

function job(steps: string, timeout = ''): string {
  return `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
${timeout}    steps:
${steps}`
}

describe('alias binding', () => {
  test('binds the nearest earlier auth; finding at the use, auth in related; placeholders filled', () => {
    const r = scanText(
      rs(),
      job(`      - name: Auth
        uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: arn:x }
      - run: make all
      - run: make test-all
      - run: aws ssm get-parameter --name /x
`)
    )
    expect(brief(r.findings)).toEqual(['late-read 11 error'])
    const f = r.findings[0]
    expect(f.message).toBe(
      'aws ssm get-parameter --name /x reads SSM 40 min after Auth (line 7, oidc); lifetime 60 (`role-duration-seconds` is not set; the default is 60 min); bound 360; between `make all` and `make test-all` (2)'
    )
    expect(f.recommendation).toBe(
      'Move `aws ssm get-parameter --name /x` up in job deploy; keep ${{ secrets.X }}, {{ x }} and ${HOME}; (not set) / (not set)'
    )
    expect(f.related).toEqual([
      {
        label: 'Auth',
        file: '.github/workflows/ci.yml',
        line: 7,
        column: 15,
        endLine: 7,
        endColumn: 55
      }
    ])
    expect(f).toMatchObject({
      job: 'deploy',
      step: 'aws ssm get-parameter --name /x',
      title: 'Late read',
      column: 14
    })
  })

  test('{a|b} takes the first alias field that is set; a non-field before | is a load error', () => {
    const withAlt = LATE_READ.replace(
      '{use.label} reads {use.store}',
      '{use.label} reads {use.store|use.provider} via {auth.store|auth.provider}'
    )
    const r = scanText(
      ruleSetOf({ 'late-read.yml': withAlt }, { 'c.yml': TEST_CATALOG }),
      job(`      - name: Auth
        uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: arn:x }
      - run: make all
      - run: make test-all
      - run: aws ssm get-parameter --name /x
`)
    )
    expect(
      r.findings[0].message.startsWith('aws ssm get-parameter --name /x reads SSM via aws 40 min')
    ).toBe(true)
    expect(() =>
      ruleSetOf(
        { 'late-read.yml': LATE_READ.replace('{use.store}', '{estimate|use.store}') },
        { 'c.yml': TEST_CATALOG }
      )
    ).toThrow('`estimate` before a `|` must be a field of an alias')
  })

  test('a re-authentication resets the clock', () => {
    const r = scanText(
      rs(),
      job(`      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: arn:x }
      - run: make all
      - run: make test-all
      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: arn:x }
      - run: aws ssm get-parameter --name /x
`)
    )
    expect(r.findings).toEqual([])
  })

  test('$use.provider: an auth of another provider does not bind (and does not reset)', () => {
    const r = scanText(
      rs(),
      job(`      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: arn:x }
      - run: make all
      - run: make test-all
      - uses: google-github-actions/auth@v2
      - run: aws ssm get-parameter --name /x
`)
    )
    // nearest aws auth is line 6; the gcp auth in between is a step of default duration (1 min)
    expect(r.findings[0].message).toContain(
      '41 min after aws-actions/configure-aws-credentials@v4 (line 6, oidc)'
    )
  })

  test('levels: short steps only give the lower level; a refresher in between prevents the finding', () => {
    const short = scanText(
      rs(),
      job(`      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: arn:x }
      - run: npm test
      - run: npm test -- --again
      - run: npm test -- --once more
      - run: aws ssm get-parameter --name /x
`)
    )
    expect(brief(short.findings)).toEqual(['late-read 11 warning'])
    const refreshed = scanText(
      rs(),
      job(`      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: arn:x }
      - run: make all
      - run: while true; do sleep 600; done &
      - run: make test-all
      - run: aws ssm get-parameter --name /x
`)
    )
    expect(refreshed.findings).toEqual([])
  })
})

describe('time and lifetime', () => {
  const at = (withs: string, between: string) =>
    scanText(
      rs(),
      job(`      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: arn:x${withs} }
${between}      - run: aws ssm get-parameter --name /x
`)
    ).findings.map((f) => f.message.replace(/^.*lifetime /, 'lifetime '))

  test('lifetime from the input, in seconds or with a unit; capped by max and by caps', () => {
    const builds =
      '      - run: make a\n      - run: make b\n      - run: make c\n      - run: make d\n'
    // 80 min estimated: above half of 120, not above half of 180
    expect(at(', role-duration-seconds: 7200', builds)).toEqual([
      'lifetime 120 (`role-duration-seconds: 7200` (120 min)); bound 360; between `make a`, `make b`, `make c` and `make d` (4)'
    ])
    expect(at(', role-duration-seconds: 3h', builds)).toEqual([])
    expect(at(', role-duration-seconds: 90m', builds)[0]).toContain(
      'lifetime 90 (`role-duration-seconds: 90m` (90 min))'
    )
    expect(at(", role-duration-seconds: 7200, role-chaining: 'true'", builds)[0]).toContain(
      'lifetime 60 (`role-duration-seconds: 7200` (120 min), capped at 60 min (role chaining))'
    )
    expect(at(', role-duration-seconds: 99999999', builds.repeat(20))[0]).toContain(
      'capped at the maximum of 720 min'
    )
  })

  test('an expression-valued duration counts as the default and says so', () => {
    const builds = '      - run: make a\n      - run: make b\n'
    expect(at(', role-duration-seconds: "${{ inputs.d }}"', builds)[0]).toContain(
      'lifetime 60 (`role-duration-seconds` is an expression (`${{ inputs.d }}`), counted as the default: 60 min)'
    )
  })

  test('step timeouts cap estimates and make the bound', () => {
    const r = scanText(
      rs(),
      job(`      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: arn:x }
      - run: make a
        timeout-minutes: 5
      - run: make b
        timeout-minutes: 40
      - run: aws ssm get-parameter --name /x
`)
    )
    // 5 + 20 = 25 min estimated (not above 30): no finding
    expect(r.findings).toEqual([])
    const bound = ruleSetOf(
      {
        'b.yml': `id: b
title: B
severity: warning
message: 'bound {bound} estimate {estimate} lifetime {lifetime}'
recommendation: x
match:
  steps:
    - { as: auth, where: { catalog: { kind: auth } } }
    - { as: use, where: { catalog: { kind: secret-read } } }
  conditions:
    - time: { from: auth, to: use, lifetime-of: auth, bound: { lte: lifetime } }
`
      },
      { 'c.yml': TEST_CATALOG }
    )
    const timed = scanText(
      bound,
      job(
        `      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: arn:x }
      - run: make a
        timeout-minutes: 5
      - run: make b
        timeout-minutes: 40
      - run: aws ssm get-parameter --name /x
`,
        '    timeout-minutes: 300\n'
      )
    )
    expect(timed.findings.map((f) => f.message)).toEqual(['bound 45 estimate 25 lifetime 60'])
    const untimed = scanText(
      bound,
      job(
        `      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: arn:x }
      - run: make a
      - run: aws ssm get-parameter --name /x
`,
        '    timeout-minutes: 50\n'
      )
    )
    expect(untimed.findings.map((f) => f.message)).toEqual(['bound 50 estimate 20 lifetime 60'])
  })

  test('a refreshing credential never expires', () => {
    const r = ruleSetOf(
      {
        'x.yml': `id: x
title: X
severity: warning
message: '{lifetime}'
recommendation: x
match:
  steps:
    - { as: auth, where: { catalog: { kind: auth } } }
    - { as: use, where: { run: deploy } }
  conditions:
    - time: { from: auth, to: use, lifetime-of: auth, bound: { gt: lifetime } }
`
      },
      { 'c.yml': TEST_CATALOG }
    )
    const wf = (uses: string) =>
      job(`      - uses: ${uses}
      - run: make
      - run: deploy
`)
    expect(scanText(r, wf('azure/login@v2')).findings).toEqual([])
    expect(scanText(r, wf('google-github-actions/auth@v2')).findings.map((f) => f.message)).toEqual(
      ['60']
    )
  })
})

describe('report, skip-if-reported, between none/some', () => {
  const rules = {
    'first.yml': `id: first
title: First
severity: error
message: 'auth {auth.label} then {use.label}'
recommendation: x
match:
  steps:
    - { as: auth, where: { catalog: { kind: auth } } }
    - { as: use, where: { catalog: { kind: secret-read } } }
  report: auth
  conditions:
    - between: { from: auth, to: use, some: { run: make } }
`,
    'second.yml': `id: second
title: Second
severity: warning
message: 'second {use.label}'
recommendation: x
skip-if-reported: [third]
match:
  steps:
    - { as: use, where: { catalog: { kind: secret-read } } }
`,
    'third.yml': `id: third
title: Third
severity: notice
message: 'third {s.label}'
recommendation: x
match:
  steps:
    - { as: s, where: { run: 'get-parameter --name /skip' } }
`
  }
  test('report points at the named alias, once per reported step; skip-if-reported drops the other finding', () => {
    const r = scanText(
      ruleSetOf(rules, { 'c.yml': TEST_CATALOG }),
      job(`      - uses: aws-actions/configure-aws-credentials@v4
      - run: make
      - run: aws ssm get-parameter --name /a
      - run: aws ssm get-parameter --name /skip
      - run: echo
`)
    )
    expect(brief(r.findings)).toEqual(['first 6 error', 'second 8 warning', 'third 9 notice'])
    expect(r.findings[0].message).toBe(
      'auth aws-actions/configure-aws-credentials@v4 then aws ssm get-parameter --name /a'
    )
  })
})
