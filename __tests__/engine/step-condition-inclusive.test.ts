/** The `step` condition (a bound alias matches a step predicate) and `time.inclusive`. */
import { describe, expect, test } from '@jest/globals'
import { brief, ruleSetOf, scanText } from './helpers.js'

const catalog = {
  'c.yml': `
auth:
  - id: a
    provider: p
    where: { run: '^login' }
    lifetime: { default: 10, unit: minutes }
cloud-use:
  - { id: u, provider: p, where: { run: 'push' } }
durations:
  default-minutes: 1
  entries:
    - { category: build, minutes: 15, where: { run: 'build' } }
`
}

const rule = (extra: string, message = 'm {estimate}') => `
id: r
title: t
severity: error
message: ${message}
recommendation: r
match:
  steps:
    - as: auth
      where: { catalog: { kind: auth } }
    - as: use
      where: { catalog: { kind: cloud-use } }
${extra}
`

const wf = `on: push
jobs:
  j:
    runs-on: x
    steps:
      - run: login
      - run: echo a
      - run: build && push
      - if: always()
        run: push
`

describe('step condition', () => {
  test('levels pick the severity from the reported step itself', () => {
    const rs = ruleSetOf(
      {
        'r.yml': rule(
          `levels:
  - severity: warning
    when: [{ step: { alias: use, where: { if: 'always\\(' } } }]
  - severity: notice
    when: [{ not: { step: { alias: use, where: { if: true } } } }]`,
          'm'
        )
      },
      catalog
    )
    expect(brief(scanText(rs, wf).findings)).toEqual(['r 10 warning', 'r 8 notice'])
  })

  test('an unknown alias is a rule error', () => {
    expect(() =>
      ruleSetOf(
        { 'r.yml': rule(`  conditions: [{ step: { alias: nope, where: { if: true } } }]`, 'm') },
        catalog
      )
    ).toThrow(/`nope` is not an alias/)
  })
})

describe('time inclusive', () => {
  test('counts the to step: a use at the end of a long step', () => {
    const cond = (inclusive: boolean) =>
      rule(`  conditions:
    - time: { from: auth, to: use, lifetime-of: auth, inclusive: ${inclusive}, estimated: { gt: lifetime } }`)
    const off = scanText(ruleSetOf({ 'r.yml': cond(false) }, catalog), wf).findings
    // without: 1 min before `build && push`; 1 + 15 before the last push
    expect(brief(off)).toEqual(['r 10 error'])
    expect(off[0].message).toBe('m 16')
    const on = scanText(ruleSetOf({ 'r.yml': cond(true) }, catalog), wf).findings
    expect(brief(on)).toEqual(['r 8 error', 'r 10 error'])
    expect(on.map((f) => f.message)).toEqual(['m 16', 'm 17'])
  })
})
