import { describe, expect, test } from '@jest/globals'
import { defaultConfig } from '../../src/config/config.js'
import { brief, ruleSetOf, scanText } from './helpers.js'

const RULES = {
  'static-keys.yml': `id: static-keys
title: Static keys
severity: error
message: 'static keys in {s.label} (quick fix until {expires}, {ref})'
recommendation: Use OIDC.
quick-fix: true
match:
  steps:
    - as: s
      where: { with: { aws-access-key-id: true } }
`,
  'curl-pipe.yml': `id: curl-pipe
title: curl pipe
severity: warning
message: 'curl | sh in {s.label}'
recommendation: Do not.
match:
  steps:
    - as: s
      where: { run: 'curl .*\\|\\s*sh' }
`
}

const rs = () => ruleSetOf(RULES)

function wf(marker: string, quickFix = ''): string {
  return `on: push
jobs:
  a:
    runs-on: x
    steps:
      - name: Keys
        uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: \${{ secrets.K }}${quickFix}
      - name: Install
        run: curl -sSL https://x | sh ${marker}
`
}

describe('suppressions', () => {
  const M =
    '# prevent-similar-bugs: ignore[curl-pipe] until=2026-03-01 -- vendor script, pinned by hash'
  test('before and on its date a suppression hides the finding; after it, it is reported and stops working', () => {
    expect(brief(scanText(rs(), wf(M), { now: '2026-02-10' }).findings)).toEqual([
      'static-keys 9 error'
    ])
    expect(brief(scanText(rs(), wf(M), { now: '2026-03-01' }).findings)).toEqual([
      'static-keys 9 error'
    ])
    const after = scanText(rs(), wf(M), { now: '2026-03-02' }).findings
    expect(brief(after)).toEqual([
      'static-keys 9 error',
      'curl-pipe 11 warning',
      'expired-suppression 11 warning'
    ])
    expect(after[2].message).toBe(
      'The suppression of `curl-pipe` expired on 2026-03-01 and no longer applies (reason given: vendor script, pinned by hash)'
    )
    expect(after[2].expires).toBe('2026-03-01')
  })
  test('on the line above, or anywhere on the step; several rules in one marker', () => {
    const above = `on: push
jobs:
  a:
    runs-on: x
    steps:
      # prevent-similar-bugs: ignore[static-keys,curl-pipe] -- both are known
      - name: Keys
        uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: \${{ secrets.K }}
      - name: Install
        # prevent-similar-bugs: ignore[curl-pipe] -- on the step
        run: curl -sSL https://x | sh
`
    expect(brief(scanText(rs(), above).findings)).toEqual([])
  })
  test('a suppression without a reason, or with a bad date, is an invalid marker and suppresses nothing', () => {
    const r = scanText(rs(), wf('# prevent-similar-bugs: ignore[curl-pipe]'))
    expect(brief(r.findings)).toEqual([
      'static-keys 9 error',
      'curl-pipe 11 warning',
      'invalid-marker 11 warning'
    ])
    expect(r.findings[2].message).toBe(
      'This prevent-similar-bugs marker is ignored: a suppression needs a reason: `-- why this is safe`'
    )
    const d = scanText(rs(), wf('# prevent-similar-bugs: ignore[curl-pipe] until=2026-02-30 -- r'))
    expect(d.findings[2].message).toContain('`until=2026-02-30` is not a date (YYYY-MM-DD)')
    const u = scanText(rs(), wf('# prevent-similar-bugs: silence everything'))
    expect(u.findings[2].message).toContain('unknown marker `silence`')
  })
  test('a suppression that suppresses nothing is a notice; one naming no known rule says so', () => {
    const r = scanText(rs(), wf('# prevent-similar-bugs: ignore[static-keys] -- wrong line'))
    expect(brief(r.findings)).toEqual([
      'static-keys 9 error',
      'curl-pipe 11 warning',
      'unused-suppression 11 notice'
    ])
    const typo = scanText(rs(), wf('# prevent-similar-bugs: ignore[curl-pipes] -- typo'))
    expect(typo.findings[2].message).toBe('The suppression names no known rule: `curl-pipes`')
    // a rule switched off by the config makes no unused-suppression noise
    const off = scanText(rs(), wf('# prevent-similar-bugs: ignore[curl-pipe] -- r'), {
      config: { ...defaultConfig(), disable: ['curl-pipe'] }
    })
    expect(brief(off.findings)).toEqual(['static-keys 9 error'])
  })
})

describe('quick-fix markers', () => {
  const qf = (m: string) => `  # prevent-similar-bugs: ${m}`
  const sev = (m: string, now: string, days?: number) =>
    scanText(rs(), wf('', qf(m)), {
      now,
      config: days === undefined ? undefined : { ...defaultConfig(), quickFixWarningDays: days }
    }).findings.filter((f) => f.ruleId === 'static-keys')
  test('notice before the last days, warning in them, error from the date on; expires set', () => {
    const m = 'quick-fix expires=2026-03-01 ref=BUG-123'
    expect(sev(m, '2026-02-21').map((f) => f.severity)).toEqual(['notice'])
    expect(sev(m, '2026-02-22').map((f) => f.severity)).toEqual(['warning'])
    expect(sev(m, '2026-02-28').map((f) => f.severity)).toEqual(['warning'])
    expect(sev(m, '2026-03-01').map((f) => f.severity)).toEqual(['error'])
    expect(sev(m, '2026-01-01', 90).map((f) => f.severity)).toEqual(['warning'])
    const f = sev(m, '2026-02-01')[0]
    expect(f.expires).toBe('2026-03-01')
    expect(f.message).toBe('static keys in Keys (quick fix until 2026-03-01, BUG-123)')
  })
  test('without a date a quick fix is a warning; without a marker the rule severity holds', () => {
    expect(sev('quick-fix ref=BUG-1', '2026-02-01').map((f) => [f.severity, f.message])).toEqual([
      ['warning', 'static keys in Keys (quick fix until (no date), BUG-1)']
    ])
    expect(scanText(rs(), wf('')).findings.map((f) => f.severity)).toEqual(['error', 'warning'])
  })
  test('a rule whose message does not place {expires} gets the quick fix told after its message', () => {
    const plain = ruleSetOf({
      ...RULES,
      'static-keys.yml': RULES['static-keys.yml'].replace(' (quick fix until {expires}, {ref})', '')
    })
    const at = (now: string) =>
      scanText(plain, wf('', qf('quick-fix expires=2026-03-01 ref=BUG-123')), {
        now
      }).findings.filter((f) => f.ruleId === 'static-keys')[0].message
    expect(at('2026-02-01')).toBe(
      'static keys in Keys (quick fix BUG-123 until 2026-03-01, 28 days left)'
    )
    expect(at('2026-02-28')).toBe(
      'static keys in Keys (quick fix BUG-123 until 2026-03-01, 1 day left)'
    )
    expect(at('2026-03-01')).toBe(
      'static keys in Keys (quick fix BUG-123 expires today, 2026-03-01)'
    )
    expect(at('2026-03-03')).toBe(
      'static keys in Keys (quick fix BUG-123 expired on 2026-03-01, 2 days ago)'
    )
    const undated = scanText(plain, wf('', qf('quick-fix ref=BUG-1')), {
      now: '2026-02-01'
    }).findings
    expect(undated.find((f) => f.ruleId === 'static-keys')!.message).toBe(
      'static keys in Keys (quick fix BUG-1 with no expiry date: give it one with expires=YYYY-MM-DD)'
    )
  })
  test('a quick-fix marker with a bad date is an invalid marker', () => {
    const r = scanText(rs(), wf('', qf('quick-fix expires=soon')))
    expect(brief(r.findings)).toEqual([
      'static-keys 9 error',
      'invalid-marker 9 warning',
      'curl-pipe 11 warning'
    ])
  })
})
