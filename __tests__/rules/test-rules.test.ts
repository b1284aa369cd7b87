import { describe, expect, test } from '@jest/globals'
import { join } from 'node:path'
import { defaultConfig } from '../../src/config/config.js'
import { renderRuleDocs } from '../../src/rules/docs.js'
import { loadRuleSet } from '../../src/rules/load.js'
import { formatRuleTestReport, runRuleTests } from '../../src/rules/test-rules.js'
import { scanText, tempTree } from '../engine/helpers.js'

// A user's rule, written as a user would: YAML only, with its examples.
const RULE = `id: curl-pipe-shell
title: Script piped from the network into a shell
severity: error
message: '{s.label} pipes a download into a shell'
recommendation: |
  Download the script, check its hash, then run it.
references: [https://example.com/curl-pipe]
tags: [supply-chain]
match:
  steps:
    - as: s
      where: { run: 'curl\\s[^|]*\\|\\s*(ba)?sh\\b' }
levels:
  - severity: error
    when: [{ not: { time: { from: s, to: s, estimated: { gt: 1000 } } } }]
`

const EXAMPLE = `# now: 2026-01-15
on: push
jobs:
  a:
    runs-on: x
    steps:
      - run: curl -sSL https://x | sh   # expect: curl-pipe-shell error
      # expect-next: curl-pipe-shell
      - run: curl https://y | bash
      - run: curl -o x https://z       # ok: curl-pipe-shell
      - run: curl https://w | sh # prevent-similar-bugs: ignore[curl-pipe-shell] until=2026-01-10 -- old  # expect: expired-suppression warning, curl-pipe-shell
`

const TREE_WORKFLOW = `on: push
jobs:
  a:
    runs-on: x
    steps:
      - uses: ./.github/actions/setup
`
const TREE_ACTION = `name: setup
runs:
  using: composite
  steps:
    - run: curl https://get.example | sh   # expect: curl-pipe-shell error
      shell: bash
`

function userDir(extra: Record<string, string> = {}): string {
  return tempTree({
    'curl-pipe-shell.yml': RULE,
    'curl-pipe-shell.examples/basic.yml': EXAMPLE,
    'curl-pipe-shell.examples/repo/.github/workflows/ci.yml': TREE_WORKFLOW,
    'curl-pipe-shell.examples/repo/.github/actions/setup/action.yml': TREE_ACTION,
    ...extra
  })
}

describe('runRuleTests', () => {
  test('a passing user rule: single files and repository trees with local composites', () => {
    const dir = userDir()
    const report = runRuleTests([dir], { now: new Date('2026-01-15T00:00:00Z') })
    expect(formatRuleTestReport(report)).toBe(
      'PASS curl-pipe-shell (3 example files)\n1 passed, 0 failed\n'
    )
    expect(report.rules[0].examples.map((e) => e.file)).toEqual([
      'basic.yml',
      'repo/.github/actions/setup/action.yml',
      'repo/.github/workflows/ci.yml'
    ])
  })

  test('missing and unexpected findings are listed with rule, line, severity (and message)', () => {
    const wrong = EXAMPLE.replace(
      '# expect: curl-pipe-shell error',
      '# expect: curl-pipe-shell warning'
    ).replace('      # expect-next: curl-pipe-shell\n', '')
    const dir = userDir({ 'curl-pipe-shell.examples/basic.yml': wrong })
    const report = runRuleTests([dir])
    expect(report.ok).toBe(false)
    expect(formatRuleTestReport(report)).toBe(
      [
        'FAIL curl-pipe-shell (3 example files)',
        '  basic.yml',
        '    missing: curl-pipe-shell line 7 warning (found error)',
        '    unexpected: curl-pipe-shell line 7 error: curl -sSL https://x | sh pipes a download into a shell',
        '    unexpected: curl-pipe-shell line 8 error: curl https://y | bash pipes a download into a shell',
        '0 passed, 1 failed',
        ''
      ].join('\n')
    )
  })

  test('a rule without examples fails', () => {
    const dir = tempTree({ 'curl-pipe-shell.yml': RULE })
    const report = runRuleTests([dir])
    expect(formatRuleTestReport(report)).toBe(
      'FAIL curl-pipe-shell (0 example files)\n  no examples: add workflows to curl-pipe-shell.examples/\n0 passed, 1 failed\n'
    )
  })

  test('the same user rule fires in a scan', () => {
    const dir = userDir()
    const rs = loadRuleSet({ dirs: [dir], config: defaultConfig() })
    const r = scanText(rs, EXAMPLE.split('\n').slice(1).join('\n'), { now: '2026-01-15' })
    expect(r.findings.map((f) => `${f.ruleId} ${f.line} ${f.severity}`)).toEqual([
      'curl-pipe-shell 6 error',
      'curl-pipe-shell 8 error',
      'curl-pipe-shell 10 error',
      'expired-suppression 10 warning'
    ])
    expect(rs.sources).toEqual([{ dir: join(dir), count: 1 }])
  })
})

describe('renderRuleDocs', () => {
  test('a page per rule and an index, deterministic', () => {
    const dir = userDir()
    const rs = loadRuleSet({ dirs: [dir], config: defaultConfig() })
    const docs = renderRuleDocs(rs)
    expect(docs.map((d) => d.path)).toEqual([
      'docs/rules/curl-pipe-shell.md',
      'docs/rules/README.md'
    ])
    expect(renderRuleDocs(loadRuleSet({ dirs: [dir], config: defaultConfig() }))).toEqual(docs)
    const page = docs[0].content
    expect(page).toContain('# `curl-pipe-shell`: Script piped from the network into a shell\n')
    expect(page).toContain(
      '- Severity: ❌ **error** (the highest; the severity depends on the case: error)\n'
    )
    expect(page).toContain('> {s.label} pipes a download into a shell\n')
    expect(page).toContain(
      '## Why it matters and how to fix it\n\nDownload the script, check its hash, then run it.\n'
    )
    expect(page).toContain(
      '### `basic.yml`\n\n- line 7: a finding (error)\n\n  ```yaml\n  - run: curl -sSL https://x | sh   # expect: curl-pipe-shell error\n  ```\n'
    )
    expect(page).toContain('- line 10: no finding\n')
    expect(page).toContain('### `repo/.github/actions/setup/action.yml`\n')
    expect(page).toContain('## References\n\n- https://example.com/curl-pipe\n')
    expect(docs[1].content).toContain(
      '| [`curl-pipe-shell`](curl-pipe-shell.md) | ❌ error | Script piped from the network into a shell | `supply-chain` |'
    )
  })
})
