/** Every built-in rule's examples (rules/<id>.examples/) must pass: `prevent-similar-bugs test-rules`. */
import { describe, expect, test } from '@jest/globals'
import { builtinRulesDir } from '../../src/paths.js'
import { formatRuleTestReport, runRuleTests } from '../../src/rules/test-rules.js'

describe('built-in rules', () => {
  test('every rule has examples and they all pass', () => {
    const dir = builtinRulesDir()
    const report = runRuleTests([dir], { builtinDir: dir, now: new Date('2026-01-15T12:00:00Z') })
    const text = formatRuleTestReport(report)
    expect(report.rules.length).toBeGreaterThan(0)
    expect(report.failed === 0 ? '' : text).toBe('')
  })
})
