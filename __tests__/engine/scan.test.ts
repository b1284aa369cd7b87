import { describe, expect, test } from '@jest/globals'
import { defaultConfig, loadConfig } from '../../src/config/config.js'
import { scan } from '../../src/engine/scan.js'
import { brief, probeRule, ruleSetOf, scanText } from './helpers.js'

const RULES = {
  'probe.yml': probeRule('{ run: deploy }'),
  'other.yml': `id: other
title: Other
severity: error
message: 'other {s.label}'
recommendation: x
match:
  steps:
    - { as: s, where: { run: deploy } }
`
}

const WF = `on: push
jobs:
  a:
    runs-on: x
    steps:
      - run: deploy one
  b:
    runs-on: x
    steps:
      - id: second
        run: deploy two
`

describe('scan', () => {
  test('sorted by severity, file, line; file statuses', () => {
    const r = scan({
      files: [
        { path: 'b.yml', text: WF },
        { path: 'a.yml', text: WF },
        { path: 'broken.yml', text: 'on: push\njobs: [\n' },
        { path: 'notes.yml', text: 'just: data\n' }
      ],
      readFile: () => undefined,
      ruleSet: ruleSetOf(RULES),
      config: defaultConfig(),
      now: new Date('2026-01-15T00:00:00Z')
    })
    expect(r.findings.map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.severity}`)).toEqual([
      'a.yml:6 other error',
      'a.yml:11 other error',
      'b.yml:6 other error',
      'b.yml:11 other error',
      expect.stringMatching(/^broken\.yml:\d+ parse-error error$/),
      'a.yml:6 probe warning',
      'a.yml:11 probe warning',
      'b.yml:6 probe warning',
      'b.yml:11 probe warning'
    ])
    expect(r.files.map((f) => [f.path, f.status])).toEqual([
      ['b.yml', 'scanned'],
      ['a.yml', 'scanned'],
      ['broken.yml', 'parse-error'],
      ['notes.yml', 'skipped']
    ])
    expect(r.files[2].reason).toBeTruthy()
    expect(r.rules.map((x) => x.id)).toEqual(
      expect.arrayContaining(['probe', 'other', 'parse-error', 'unused-suppression'])
    )
  })

  test('config: disable, enable, severity override and off, ignore globs', () => {
    const rs = ruleSetOf(RULES)
    const cfg = (text: string) => loadConfig(text, '.github/prevent-similar-bugs.yml')
    expect(brief(scanText(rs, WF, { config: cfg('disable: [other]') }).findings)).toEqual([
      'probe 6 warning',
      'probe 11 warning'
    ])
    expect(brief(scanText(rs, WF, { config: cfg('enable: [other]') }).findings)).toEqual([
      'other 6 error',
      'other 11 error'
    ])
    expect(
      brief(scanText(rs, WF, { config: cfg('severity: { other: notice, probe: off }') }).findings)
    ).toEqual(['other 6 notice', 'other 11 notice'])
    const ignored = scanText(rs, WF, { config: cfg("ignore: ['.github/workflows/*.yml']") })
    expect(ignored.findings).toEqual([])
    expect(ignored.files).toEqual([
      {
        path: '.github/workflows/ci.yml',
        status: 'skipped',
        reason: 'ignored by the config (`.github/workflows/*.yml`)'
      }
    ])
  })

  test('fingerprints survive unrelated edits above and differ between steps', () => {
    const rs = ruleSetOf(RULES)
    const before = scanText(rs, WF).findings
    const after = scanText(
      rs,
      WF.replace('on: push\n', 'on: push\nenv: { A: 1 }\n# a comment\n')
    ).findings
    expect(after.map((f) => f.line)).toEqual(before.map((f) => f.line + 2))
    expect(after.map((f) => f.fingerprint)).toEqual(before.map((f) => f.fingerprint))
    expect(new Set(before.map((f) => f.fingerprint)).size).toBe(4)
    expect(before[0].fingerprint).toMatch(/^[0-9a-f]{32}$/)
  })

  test('a composite reached from two jobs is reported once (dedupe by rule, file, line, column)', () => {
    const wf = `on: push
jobs:
  a:
    runs-on: x
    steps:
      - uses: ./.github/actions/dep
  b:
    runs-on: x
    steps:
      - uses: ./.github/actions/dep
`
    const action = `name: dep
runs:
  using: composite
  steps:
    - run: deploy it
      shell: bash
`
    const r = scanText(
      ruleSetOf({ 'probe.yml': probeRule('{ run: deploy, in-composite: true }') }),
      wf,
      {
        extraFiles: { '.github/actions/dep/action.yml': action }
      }
    )
    expect(r.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual([
      '.github/actions/dep/action.yml:5 probe'
    ])
  })
})

describe('catastrophic patterns are linear (RE2) and input is bounded', () => {
  test('(a+)+$ over a 1 MB run block completes with the expected results', () => {
    const rs = ruleSetOf({
      'probe.yml': probeRule("{ run: '(a+)+$' }"),
      'tail.yml': `id: tail
title: Tail
severity: notice
message: 'tail'
recommendation: x
match:
  steps:
    - { as: s, where: { run: 'a!' } }
`
    })
    const wf = (body: string) => `on: push
jobs:
  a:
    runs-on: x
    steps:
      - run: |-
          ${body}
`
    const evil = scanText(rs, wf('a'.repeat(1_000_000) + '!'))
    // `(a+)+$` cannot match (the text ends in `!`); `a!` does, within the first 1 MiB
    expect(brief(evil.findings)).toEqual(['tail 6 notice'])
    const matching = scanText(rs, wf('a'.repeat(1_000_000)))
    expect(brief(matching.findings)).toEqual(['probe 6 warning'])
    // past 1 MiB the text is cut, and that is said
    const long = scanText(rs, wf('b'.repeat(1_100_000) + 'a!'))
    expect(brief(long.findings)).toEqual(['input-truncated 6 notice'])
    expect(long.findings[0].message).toMatch(
      /^The run script of `b+…` is 1100002 characters long; rules look at its first 1048576 only$/
    )
  })
})
