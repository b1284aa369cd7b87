/**
 * Hostile files and hostile text through the whole pipeline: collection from disk, the scan, and
 * every output format. Every file is accounted for, the run goes on, and text the pull request
 * controls cannot inject markup, mentions or workflow commands.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../../src/cli/main.js'
import { renderComment } from '../../src/report/comment.js'
import type { ScanResult } from '../../src/types.js'

let dir: string

function write(rel: string, content: string | Uint8Array): void {
  const full = join(dir, rel)
  mkdirSync(join(full, '..'), { recursive: true })
  writeFileSync(full, content)
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(args, {
    cwd: dir,
    stdout: (s) => {
      out += s
    },
    stderr: (s) => {
      err += s
    },
    isTTY: false,
    env: {}
  })
  return { code, out, err }
}

const scanArgs = ['--fail-on', 'never', '--now', '2026-01-15']

// A step name and a job name full of what reports must not pass through raw.
const EVIL_STEP =
  'Upload\n::error file=x.yml,line=1::injected <script>alert(1)</script> @admin @org/team #1 `tick` [link](https://evil.example) <!-- prevent-similar-bugs -->\r::warning::x'
const EVIL_KEY = '::error::key <img src=x onerror=alert(1)> @octocat'

const OIDC = [
  'on: push',
  'permissions:',
  '  id-token: write',
  `${JSON.stringify(EVIL_KEY)}: 1`,
  'jobs:',
  '  "build <b>@team</b>":',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: aws-actions/configure-aws-credentials@v4',
  '        with:',
  '          role-to-assume: arn:aws:iam::123456789012:role/ci',
  '          aws-region: eu-west-1',
  '      - run: ./gradlew assemble',
  '      - run: ./gradlew test',
  '      - run: docker build -t app .',
  '      - run: npx playwright test',
  '      - run: npm run test:integration',
  `      - name: ${JSON.stringify(EVIL_STEP)}`,
  '        run: aws s3 sync reports/ s3://ci-reports/',
  ''
].join('\n')

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'psb-hostile-'))
  const wf = '.github/workflows/'
  write(`${wf}bom.yml`, '\ufeffon: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      - run: a\n')
  write(
    `${wf}crlf.yml`,
    'on: push\r\njobs:\r\n  j:\r\n    runs-on: x\r\n    steps:\r\n      - 3\r\n'
  )
  write(`${wf}deep.yml`, `on: push\nx: ${'['.repeat(100_000)}\n`)
  write(`${wf}huge.yml`, 'on: push\n')
  truncateSync(join(dir, `${wf}huge.yml`), 50 * 1024 * 1024)
  write(`${wf}latin1.yml`, Uint8Array.from([...Buffer.from('on: push\nname: caf'), 0xe9, 10]))
  write(`${wf}nul.yml`, 'on: push\u0000\n')
  write(
    `${wf}ok.yml`,
    'on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      - run: echo fine\n'
  )
  write(`${wf}zz-oidc.yml`, OIDC)
  // A file name with a newline, markup, a mention and a workflow command in it.
  write(
    `${wf}x\n::error::name <i>@octocat.yml`,
    'on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      - 3\n'
  )
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('hostile files on disk', () => {
  test('every file is accounted for with its status and reason; the run goes on', async () => {
    const { code, out, err } = await cli('scan', '--format', 'json', ...scanArgs, '.')
    expect(err).toBe('')
    expect(code).toBe(0)
    const report = JSON.parse(out)
    const wf = '.github/workflows/'
    expect(report.files).toEqual([
      { path: `${wf}bom.yml`, status: 'scanned' },
      { path: `${wf}crlf.yml`, status: 'scanned' },
      {
        path: `${wf}deep.yml`,
        status: 'parse-error',
        reason:
          'collections are nested more than 64 levels deep (limit maxDepth); the file was not parsed'
      },
      {
        path: `${wf}huge.yml`,
        status: 'skipped',
        reason: '51200 KiB is over the 2048 KiB limit for one file'
      },
      {
        path: `${wf}latin1.yml`,
        status: 'skipped',
        reason: 'not valid UTF-8 text (workflows must be UTF-8)'
      },
      {
        path: `${wf}nul.yml`,
        status: 'skipped',
        reason: 'contains NUL bytes: a binary file, not YAML'
      },
      { path: `${wf}ok.yml`, status: 'scanned' },
      { path: `${wf}x\n::error::name <i>@octocat.yml`, status: 'scanned' },
      { path: `${wf}zz-oidc.yml`, status: 'scanned' }
    ])
    const at = (f: { file: string; line: number; ruleId: string }) =>
      `${f.file.slice(wf.length)}:${f.line} ${f.ruleId}`
    expect(report.findings.map(at)).toEqual([
      'crlf.yml:6 invalid-workflow',
      'deep.yml:1 parse-error',
      'x\n::error::name <i>@octocat.yml:6 invalid-workflow',
      'zz-oidc.yml:19 oidc-session-expiry',
      'zz-oidc.yml:4 invalid-workflow'
    ])
    // JSON keeps the text exactly (it is data, escaped by JSON itself).
    const oidc = report.findings.find((f: { ruleId: string }) => f.ruleId === 'oidc-session-expiry')
    expect(oidc.step).toBe(EVIL_STEP)
    expect(oidc.job).toBe('build <b>@team</b>')
  })
})

describe('hostile text in every format', () => {
  const noInjectedCommand = (out: string) => {
    for (const line of out.split('\n')) {
      expect(line).not.toMatch(
        /^::(error|warning|notice|debug|group|endgroup|add-mask|stop-commands)/
      )
      expect(line.includes('\r')).toBe(false)
    }
  }

  test('text: one line per finding, no workflow command, no control characters', async () => {
    const { out } = await cli('scan', ...scanArgs, '.github/workflows/zz-oidc.yml')
    noInjectedCommand(out)
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/)
    const findingLines = out
      .split('\n')
      .filter((l) => l.startsWith('.github/workflows/zz-oidc.yml:'))
    expect(findingLines.map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      '.github/workflows/zz-oidc.yml:19:14 error oidc-session-expiry',
      '.github/workflows/zz-oidc.yml:4:1 warning invalid-workflow'
    ])
  })

  test('github annotations: the only commands are ours, data is escaped', async () => {
    const { out } = await cli('scan', '--format', 'github', ...scanArgs, '.')
    const commands = out.split('\n').filter((l) => l.startsWith('::'))
    expect(commands.map((l) => l.slice(0, l.indexOf(' ')))).toEqual([
      '::error',
      '::error',
      '::error',
      '::error',
      '::warning'
    ])
    for (const c of commands) {
      // Properties (their `:` and `,` escaped) up to the first `::`, then the message as data
      // (which may hold `::`: only a line start is a command, and its line breaks are %0A).
      expect(c).toMatch(/^::(error|warning|notice) (file|title|line|col|endLine|endColumn)=[^:]*::/)
    }
    expect(
      out
        .split('\n')
        .filter((l) => /::error::(injected|name|key)/.test(l) && l.startsWith('::error::'))
    ).toEqual([])
  })

  test('sarif: valid JSON; text from the workflow only in plain-text fields', async () => {
    const { out } = await cli('scan', '--format', 'sarif', ...scanArgs, '.')
    const json = JSON.parse((await cli('scan', '--format', 'json', ...scanArgs, '.')).out)
    const sarif = JSON.parse(out)
    const results = sarif.runs[0].results as { ruleId: string; message: Record<string, string> }[]
    expect(results.map((r) => r.ruleId)).toEqual(
      json.findings.map((f: { ruleId: string }) => f.ruleId)
    )
    // message.text is shown as plain text; there is no message.markdown to render PR text as markup.
    expect(results.map((r) => Object.keys(r.message))).toEqual(results.map(() => ['text']))
    const oidc = results.find((r) => r.ruleId === 'oidc-session-expiry')!
    expect(oidc.message.text).toContain('<script>alert(1)</script>')
  })

  test('the pull-request comment: no HTML, no mention, no link, no marker from the workflow', async () => {
    const { out } = await cli('scan', '--format', 'json', ...scanArgs, '.')
    const report = JSON.parse(out)
    const result: ScanResult = {
      findings: report.findings,
      files: report.files,
      errors: [],
      rules: []
    }
    const md = renderComment(result, {
      repoUrl: 'https://github.com/o/r',
      headSha: 'abc',
      now: new Date('2026-01-15T00:00:00Z')
    })
    // Code spans and fenced blocks are inert (shown as code); what is left is rendered markdown.
    const rendered = md
      .replace(/^ *```[\s\S]*?^ *```/gm, '')
      .replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '')
    expect(rendered).toContain('\\<script\\>')
    // `\\<` is a literal `<` in markdown; an unescaped one would open a tag.
    expect(rendered).not.toMatch(/(?<!\\)<(script|img|b>@team|i>@octocat)/)
    expect(rendered).not.toMatch(/@(octocat|admin|team|org\/team)\b/)
    expect(rendered).not.toMatch(/\]\(https:\/\/evil/)
    // The sticky comment is found by a body that starts with the marker (and its author); a copy
    // of the marker from the workflow may only appear inside code.
    expect(md.startsWith('<!-- prevent-similar-bugs -->\n')).toBe(true)
    expect(rendered.split('<!-- prevent-similar-bugs -->')).toHaveLength(2)
  })
})
