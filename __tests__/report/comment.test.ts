import { describe, expect, test } from '@jest/globals'
import {
  COMMENT_MARKER,
  COMMENT_MAX_CHARS,
  daysUntil,
  renderComment,
  type ReportContext
} from '../../src/report/comment.js'
import { renderSummary } from '../../src/report/summary.js'
import type { ScanResult } from '../../src/types.js'
import { finding, lateSecrets, twoFindings } from './fixtures.js'

const Z = '\u200b'
const ctx: ReportContext = {
  repoUrl: 'https://github.com/o/r',
  headSha: 'abcdef1234567890',
  now: new Date('2026-02-01T10:00:00Z'),
  rules: 'built-in 7',
  config: 'the base branch'
}
const blob = 'https://github.com/o/r/blob/abcdef1234567890/.github/workflows'

describe('the PR comment', () => {
  test('counts, the table, one explanation per rule, the footer', () => {
    expect(renderComment(twoFindings(), { ...ctx, annotationsNotShown: 2 })).toBe(
      [
        COMMENT_MARKER,
        '### prevent-similar-bugs: 1 error and 1 warning in 2 files',
        '',
        '| | rule | where | job / step |',
        '|---|---|---|---|',
        `| ❌ | \`late-secrets-loading\` | [deploy\\.yml:48](${blob}/deploy.yml#L48) | deploy / Read SSM parameters |`,
        `| ⚠️ | \`access-key-expiry\` | [legacy\\.yml:21](${blob}/legacy.yml#L21-L23) | publish / Configure AWS credentials |`,
        '',
        '<details><summary>❌ <b>late-secrets-loading</b>: <code>Read SSM parameters</code> reads AWS secrets 35 min after <code>Configure AWS credentials</code> authenticated</summary>',
        '',
        `- [deploy\\.yml:48](${blob}/deploy.yml#L48) (deploy / Read SSM parameters): \`Read SSM parameters\` reads AWS secrets 35 min after \`Configure AWS credentials\` authenticated`,
        `  - [line 14](${blob}/deploy.yml#L14): Configure AWS credentials`,
        '',
        'Read the secrets right after `Configure AWS credentials` and pass them on masked. See [the AWS docs](https://docs.aws.amazon.com/x).',
        '',
        '```yaml',
        '- name: Read SSM parameters',
        '  run: aws ssm get-parameter',
        '```',
        '',
        'References: <https://docs.aws.amazon.com/x>',
        '',
        '</details>',
        '',
        '<details><summary>⚠️ <b>access-key-expiry</b>: Long-lived keys in <code>Configure AWS credentials</code></summary>',
        '',
        `- [legacy\\.yml:21](${blob}/legacy.yml#L21-L23) (publish / Configure AWS credentials): Long\\-lived keys in \`Configure AWS credentials\``,
        '',
        'Use OIDC instead of `Configure AWS credentials`.',
        '',
        '</details>',
        '',
        '2 findings were not shown as annotations (GitHub shows at most 10 per level in a step); all are listed here.',
        '',
        '<sub>2 files checked · rules: built\\-in 7 · config from the base branch</sub>',
        ''
      ].join('\n')
    )
  })

  test('the all-clear variant, with a note and what was not checked', () => {
    const result: ScanResult = {
      findings: [],
      files: [
        { path: '.github/workflows/a.yml', status: 'scanned' },
        { path: '.github/workflows/big.yml', status: 'skipped', reason: 'larger than 1 MB' }
      ],
      errors: ['config: unknown key `foo`'],
      rules: []
    }
    expect(
      renderComment(result, {
        now: ctx.now,
        notes: ['This pull request changes `x.yml`; the base applies.']
      })
    ).toBe(
      [
        COMMENT_MARKER,
        '### prevent-similar-bugs: no findings ✅',
        '',
        'All clear: the findings reported earlier are gone (1 file checked).',
        '',
        '> This pull request changes `x.yml`; the base applies\\.',
        '',
        '#### Not checked: 1 file',
        '',
        '- `.github/workflows/big.yml`: skipped: larger than 1 MB',
        '',
        '#### Problems',
        '',
        '- config: unknown key `foo`',
        '',
        '<sub>1 file checked</sub>',
        ''
      ].join('\n')
    )
  })

  test('quick fixes with their dates, counted from the injected clock', () => {
    const result: ScanResult = {
      findings: [
        finding({
          ruleId: 'quick-fix-expired',
          severity: 'error',
          expires: '2026-01-29',
          line: 5,
          endLine: 5
        }),
        finding({
          ruleId: 'quick-fix-expiring',
          severity: 'warning',
          expires: '2026-02-04',
          line: 9,
          endLine: 9
        }),
        finding({
          ruleId: 'quick-fix',
          severity: 'notice',
          expires: '2026-02-01',
          line: 12,
          endLine: 12
        })
      ],
      files: [{ path: '.github/workflows/deploy.yml', status: 'scanned' }],
      errors: [],
      rules: []
    }
    const body = renderComment(result, ctx)
    const section = body.slice(body.indexOf('#### Quick fixes'), body.indexOf('<sub>'))
    expect(section).toBe(
      [
        '#### Quick fixes and their dates',
        '',
        '| | rule | where | until | |',
        '|---|---|---|---|---|',
        `| ❌ | \`quick-fix-expired\` | [deploy\\.yml:5](${blob}/deploy.yml#L5) | 2026\\-01\\-29 | expired 3 days ago |`,
        `| ⚠️ | \`quick-fix-expiring\` | [deploy\\.yml:9](${blob}/deploy.yml#L9) | 2026\\-02\\-04 | in 3 days |`,
        `| ℹ️ | \`quick-fix\` | [deploy\\.yml:12](${blob}/deploy.yml#L12) | 2026\\-02\\-01 | expires today |`,
        '',
        ''
      ].join('\n')
    )
    expect(daysUntil('2026-03-01', ctx.now)).toBe(28)
    expect(daysUntil('not a date', ctx.now)).toBeUndefined()
  })

  test('step names, job names and file names crafted to inject are inert', () => {
    const result: ScanResult = {
      findings: [
        finding({
          file: '.github/workflows/x](https:__evil.example) @admin.yml',
          job: '@octocat <img src=x onerror=alert(1)>',
          step: 'build | [click](https://evil.example) #1\n<!-- prevent-similar-bugs -->',
          message: '`build | [click](https://evil.example)` reads secrets, cc @org/team',
          recommendation:
            'Move `build` up.\n</details>\n<script>alert(1)</script> @admin ![x](https://e/x.png)'
        })
      ],
      files: [],
      errors: [],
      rules: [lateSecrets]
    }
    const body = renderComment(result, ctx)
    const row = body.split('\n').find((l) => l.startsWith('| ❌'))
    expect(row).toBe(
      `| ❌ | \`late-secrets-loading\` | [x\\]\\(https:\\_\\_evil\\.example\\) @${Z}admin\\.yml:48](${blob.replace(
        '/.github/workflows',
        ''
      )}/.github/workflows/x%5D%28https%3A__evil.example%29%20%40admin.yml#L48) | @${Z}octocat \\<img src\\=x onerror\\=alert\\(1\\)\\> / build \\| \\[click\\]\\(https:${Z}//evil\\.example\\) \\#${Z}1 \\<\\!\\-\\- prevent\\-similar\\-bugs \\-\\-\\> |`
    )
    // Nothing outside our own markup: one marker, no raw tag, no live mention or link from the PR
    expect(body.split(COMMENT_MARKER)).toHaveLength(2)
    expect(body).not.toMatch(/(^|[^\\])<(script|img)/m)
    expect(body).not.toMatch(/(^|[^\\])@(admin|octocat|org)/m)
    expect(body.replace(/`[^`\n]*`/g, '')).not.toMatch(/\]\(https:\/\/evil/)
    expect(body).not.toContain('\n</details>\n<script')
    expect(body).toContain(
      `&lt;/details>\n&lt;script>alert(1)&lt;/script> @${Z}admin \\!\\[x\\]\\(https:${Z}//e/x.png\\)`
    )
  })

  test('a huge report stays under the limit and says what it cut', () => {
    const findings = Array.from({ length: 3000 }, (_, i) =>
      finding({
        ruleId: `rule-${i % 40}`,
        line: i + 1,
        endLine: i + 1,
        recommendation: 'r'.repeat(2000)
      })
    )
    const result: ScanResult = { findings, files: [], errors: [], rules: [] }
    const body = renderComment(result, ctx)
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS)
    expect(
      body.startsWith(`${COMMENT_MARKER}\n### prevent-similar-bugs: 3000 errors in 1 file`)
    ).toBe(true)
    const rows = body.split('\n').filter((l) => l.startsWith('| ❌')).length
    const explanations = body.split('<details>').length - 1
    expect(rows).toBeGreaterThan(100)
    expect(body).toContain(
      `**Cut to stay under GitHub's size limit:** ${3000 - rows} findings of the table, ${40 - explanations} explanations not shown here; the job summary and the annotations have the full report.`
    )
    // every table row that is shown is whole, and the footer is there
    expect(
      body
        .trimEnd()
        .endsWith('<sub>0 files checked · rules: built\\-in 7 · config from the base branch</sub>')
    ).toBe(true)
  })

  test('the summary carries the same report without the marker, under 1 MiB in bytes', () => {
    const two = twoFindings()
    expect(renderSummary(two, ctx)).toBe(renderComment(two, ctx).replace(`${COMMENT_MARKER}\n`, ''))
    const findings = Array.from({ length: 8000 }, (_, i) =>
      finding({
        line: i + 1,
        endLine: i + 1,
        message: `${'é'.repeat(300)} ${i}`,
        recommendation: `${'ü'.repeat(400)} ${i}`
      })
    )
    const summary = renderSummary({ findings, files: [], errors: [], rules: [] }, ctx)
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(1_000_000)
    expect(summary.split('<details>')).toHaveLength(2)
    expect(summary).toContain('- and 7990 more, listed in the table')
    expect(summary).toMatch(
      /\*\*Cut to stay under GitHub's size limit:\*\* \d+ findings of the table not shown here; the SARIF file or the CLI/
    )
  })
})
