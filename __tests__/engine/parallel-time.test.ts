import { describe, expect, test } from '@jest/globals'
import { ruleSetOf, scanText, TEST_CATALOG } from './helpers.js'

// Reports every SSM read with the estimated and bounded minutes since the authentication.
const RULE = `id: elapsed
title: Elapsed
severity: notice
message: '{estimate} min, up to {bound}'
recommendation: none
match:
  steps:
    - as: auth
      where: { catalog: { kind: auth } }
    - as: use
      where: { catalog: { kind: secret-read } }
  conditions:
    - time: { from: auth, to: use, estimated: { gte: 0 } }
`

const rs = () => ruleSetOf({ 'elapsed.yml': RULE }, { 'c.yml': TEST_CATALOG })

function elapsed(steps: string): string[] {
  const text = `on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: arn:x }
${steps}      - run: aws ssm get-parameter --name /x
`
  return scanText(rs(), text).findings.map((f) => f.message)
}

describe('time across parallel and background steps', () => {
  test('sequential steps add up (make 20 + docker build 10)', () => {
    expect(
      elapsed(`      - run: make
        timeout-minutes: 30
      - run: docker build .
        timeout-minutes: 15
`)
    ).toEqual(['30 min, up to 45'])
  })

  test('a parallel block takes as long as its longest step, bounded by its longest timeout', () => {
    expect(
      elapsed(`      - parallel:
          - run: make
            timeout-minutes: 30
          - run: docker build .
            timeout-minutes: 15
`)
    ).toEqual(['20 min, up to 30'])
  })

  test('a background step counts where it is waited for, and not when it is cancelled', () => {
    const background = `      - id: bg
        run: make
        background: true
      - run: docker build .
`
    expect(elapsed(`${background}      - wait: bg\n`)).toEqual(['30 min, up to 360'])
    expect(elapsed(`${background}      - wait-all:\n`)).toEqual(['30 min, up to 360'])
    expect(elapsed(`${background}      - cancel: bg\n`)).toEqual(['10 min, up to 360'])
  })
})
