/**
 * Binding aliases when an earlier alias's predicate depends on a later alias: the engine skips steps
 * and candidates that can never be bound, and must find exactly what binding every candidate would.
 */
import { describe, expect, test } from '@jest/globals'
import { brief, ruleSetOf, scanText } from './helpers.js'

const rule = (a: string, b: string, c: string) => `
id: r
title: t
severity: error
message: 'a={a.line} b={b.line} c={c.line}'
recommendation: r
match:
  steps:
    - as: a
      where: ${a}
    - as: b
      where: ${b}
    - as: c
      where: ${c}
`

const wf = `on: push
jobs:
  short:
    runs-on: x
    steps:
      - uses: x/auth@v1
        with: { key: one }
      - uses: x/use@v1
        with: { key: one }
  j:
    runs-on: x
    steps:
      - uses: x/auth@v1
        with: { key: one }
      - run: mid
      - uses: x/use@v1
        with: { key: two }
      - uses: x/auth@v1
        with: { key: two }
      - run: mid
      - uses: x/use@v1
        with: { key: two }
      - uses: x/use@v1
        with: { key: one }
  none:
    runs-on: x
    steps:
      - run: mid
      - run: mid
      - uses: x/use@v1
        with: { key: one }
  late:
    runs-on: x
    steps:
      - run: mid
      - uses: x/use@v1
        with: { key: one }
      - uses: x/auth@v1
        with: { key: one }
`

const messages = (rs: ReturnType<typeof ruleSetOf>) =>
  scanText(rs, wf).findings.map((f) => `${f.line} ${f.message}`)

describe('binding earlier aliases', () => {
  test('an earlier alias that refers to a later one binds the nearest step that matches it', () => {
    const rs = ruleSetOf({
      'r.yml': rule(
        `{ uses: x/auth, with: { key: $c.with.key } }`,
        `{ run: '^mid' }`,
        `{ uses: x/use }`
      )
    })
    expect(messages(rs)).toEqual(['21 a=18 b=20 c=21', '23 a=13 b=20 c=23'])
  })

  test('an earlier alias that refers to no other: jobs without it, or with it too late, give nothing', () => {
    const rs = ruleSetOf({
      'r.yml': rule(`{ uses: x/auth }`, `{ run: '^mid' }`, `{ uses: x/use }`)
    })
    expect(messages(rs)).toEqual(['16 a=13 b=15 c=16', '21 a=18 b=20 c=21', '23 a=18 b=20 c=23'])
  })

  test('an earlier alias that must differ from a later one', () => {
    const rs = ruleSetOf({
      'r.yml': rule(
        `{ uses: x/auth, not: { with: { key: $c.with.key } } }`,
        `{ run: '^mid' }`,
        `{ uses: x/use }`
      )
    })
    expect(messages(rs)).toEqual(['16 a=13 b=15 c=16', '21 a=13 b=20 c=21', '23 a=18 b=20 c=23'])
  })

  test('same-step-as and not-same-step-as in earlier aliases', () => {
    const rs = ruleSetOf({
      'r.yml': rule(
        `{ not-same-step-as: b, uses: x/auth }`,
        `{ any: [{ run: '^mid' }, { same-step-as: c }] }`,
        `{ uses: x/use, with: { key: one } }`
      )
    })
    expect(brief(scanText(rs, wf).findings)).toEqual(['r 24 error'])
    expect(messages(rs)).toEqual(['24 a=18 b=20 c=23'])
  })
})
