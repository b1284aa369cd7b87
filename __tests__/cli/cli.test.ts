import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../../src/cli/main.js'

let dir: string

function write(rel: string, text: string): void {
  const full = join(dir, rel)
  mkdirSync(join(full, '..'), { recursive: true })
  writeFileSync(full, text)
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(argv, {
    cwd: dir,
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    isTTY: false,
    env: {}
  })
  return { code, out, err }
}

// A rule a user writes in their repository: no TypeScript, one file and its examples.
const USER_RULE = `id: no-curl-pipe-sh
title: Piping curl into a shell
severity: warning
message: "{step.label} pipes a download into a shell"
recommendation: Download the script, check its checksum, then run it.
match:
  steps:
    - as: step
      where: { run: 'curl[^|]*\\|\\s*(ba)?sh' }
`

const WORKFLOW = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Install tool
        run: curl -sSL https://example.com/install.sh | bash
      - name: Build
        run: make
`

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'psb-cli-'))
  write('repo/.github/workflows/ci.yml', WORKFLOW)
  write('repo/.github/workflows/broken.yml', 'on: push\njobs:\n  a: [\n')
  write(
    'repo/.github/workflows/clean.yml',
    'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make\n'
  )
  write('my-rules/no-curl-pipe-sh.yml', USER_RULE)
  write(
    'my-rules/no-curl-pipe-sh.examples/bad.yml',
    `on: push
jobs:
  a:
    runs-on: x
    steps:
      - run: curl -s https://x | sh   # expect: no-curl-pipe-sh warning
      - run: curl -o x https://x      # ok: no-curl-pipe-sh
`
  )
  write(
    'bad-rules/broken.yml',
    'id: Not_Kebab\ntitle: x\nseverity: fatal\nmessage: m\nrecommendation: r\nmatch: {}\n'
  )
  write('bad-config.yml', 'disable: [a]\nunknown-key: 1\n')
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('prevent-similar-bugs scan', () => {
  test('a user rule fires in scan with exact text output, and broken YAML is a finding', async () => {
    const r = await cli('scan', 'repo', '--rules', 'my-rules', '--now', '2026-01-01')
    expect(r.err).toBe('')
    const lines = r.out.split('\n')
    expect(lines).toContain(
      'repo/.github/workflows/ci.yml:8:14  warning  no-curl-pipe-sh  Install tool pipes a download into a shell'
    )
    expect(
      lines.some(
        (l) => l.startsWith('repo/.github/workflows/broken.yml:4:') && l.includes('parse-error')
      )
    ).toBe(true)
    expect(lines.at(-2)).toMatch(
      /^\d+ findings \(1 error, 1 warning, 0 notices\) in 3 files checked$/
    )
    expect(r.code).toBe(1)
  })

  test('--fail-on decides the exit code', async () => {
    expect(
      (
        await cli(
          'scan',
          'repo/.github/workflows/ci.yml',
          '--rules',
          'my-rules',
          '--fail-on',
          'error'
        )
      ).code
    ).toBe(0)
    expect(
      (
        await cli(
          'scan',
          'repo/.github/workflows/ci.yml',
          '--rules',
          'my-rules',
          '--fail-on',
          'warning'
        )
      ).code
    ).toBe(1)
    expect((await cli('scan', 'repo', '--fail-on', 'never')).code).toBe(0)
  })

  test('--format json gives the versioned shape with every file accounted for', async () => {
    const r = await cli(
      'scan',
      'repo',
      '--rules',
      'my-rules',
      '--format',
      'json',
      '--fail-on',
      'never'
    )
    const doc = JSON.parse(r.out)
    expect(doc.version).toBe(1)
    expect(doc.files).toEqual([
      {
        path: 'repo/.github/workflows/broken.yml',
        status: 'parse-error',
        reason: expect.any(String)
      },
      { path: 'repo/.github/workflows/ci.yml', status: 'scanned' },
      { path: 'repo/.github/workflows/clean.yml', status: 'scanned' }
    ])
    const f = doc.findings.find((x: { ruleId: string }) => x.ruleId === 'no-curl-pipe-sh')
    expect(f).toMatchObject({
      severity: 'warning',
      file: 'repo/.github/workflows/ci.yml',
      line: 8,
      column: 14,
      job: 'build',
      step: 'Install tool',
      message: 'Install tool pipes a download into a shell',
      recommendation: 'Download the script, check its checksum, then run it.'
    })
    expect(doc.errors).toEqual([])
  })

  test('--quiet prints the findings only', async () => {
    const r = await cli('scan', 'repo/.github/workflows/ci.yml', '--rules', 'my-rules', '--quiet')
    expect(r.out).toBe(
      'repo/.github/workflows/ci.yml:8:14  warning  no-curl-pipe-sh  Install tool pipes a download into a shell\n'
    )
  })

  test('usage, config and rule-file errors exit 2 with a message naming the file and line', async () => {
    const badFormat = await cli('scan', '--format', 'xml')
    expect(badFormat.code).toBe(2)
    expect(badFormat.err).toBe(
      'prevent-similar-bugs: --format must be one of text, json, sarif, github, not `xml`\n'
    )

    const badNow = await cli('scan', '--now', '2026-13-45')
    expect(badNow.code).toBe(2)
    expect(badNow.err).toContain('--now must be a date as YYYY-MM-DD')

    const badRule = await cli('scan', 'repo', '--rules', 'bad-rules')
    expect(badRule.code).toBe(2)
    expect(badRule.err).toContain('bad-rules/broken.yml:1')

    const badConfig = await cli('scan', 'repo', '--config', 'bad-config.yml')
    expect(badConfig.code).toBe(2)
    expect(badConfig.err).toContain('bad-config.yml:2')
    expect(badConfig.err).toContain('unknown-key')

    const unknown = await cli('frobnicate')
    expect(unknown.code).toBe(2)
    expect(unknown.err).toContain('unknown command `frobnicate`')
  })

  test('a missing path is reported, not silently dropped', async () => {
    const r = await cli('scan', 'nowhere')
    expect(r.out).toContain('error: nowhere: no such file or folder')
  })
})

describe('prevent-similar-bugs test-rules', () => {
  test('runs a user rule folder and passes; a wrong expectation shows the diff and fails', async () => {
    const ok = await cli('test-rules', 'my-rules')
    expect(ok.code).toBe(0)
    write('my-rules-wrong/no-curl-pipe-sh.yml', USER_RULE)
    write(
      'my-rules-wrong/no-curl-pipe-sh.examples/bad.yml',
      `on: push
jobs:
  a:
    runs-on: x
    steps:
      - run: curl -s https://x | sh
      - run: curl -o x https://x      # expect: no-curl-pipe-sh
`
    )
    const bad = await cli('test-rules', 'my-rules-wrong')
    expect(bad.code).toBe(1)
    expect(bad.out).toContain('no-curl-pipe-sh')
    expect(bad.out).toMatch(/missing: .*7/)
    expect(bad.out).toMatch(/unexpected: .*6/)
  })
})
