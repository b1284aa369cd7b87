/**
 * End to end: the committed bundle `dist/index.js`, run as the runner runs it, against a fake GitHub
 * API that records every request. Run `node scripts/bundle.mjs` after changing src/.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FakeGitHub } from './fake-github.js'
import {
  BASE,
  BUNDLE,
  HEAD1,
  HEAD2,
  HEAD3,
  makeWorkspace,
  prPayload,
  runAction
} from './harness.js'
import {
  annotation,
  blob,
  builtinCount,
  comments,
  CONFIG,
  contents,
  escapeRe,
  FIXED,
  header,
  job,
  MARKER,
  modified,
  ONE,
  pulls,
  TWO,
  WF
} from './workflows.js'

let gh: FakeGitHub
beforeEach(async () => {
  expect(existsSync(BUNDLE)).toBe(true)
  gh = new FakeGitHub()
  await gh.start()
})
afterEach(async () => {
  await gh.stop()
})

describe('pull request: first run, a push that changes the findings, a push that fixes them', () => {
  test('comment created, then updated in place, then all clear, then left alone', async () => {
    // Run 1: one finding. The workspace is not checked out at the head: files come from the API.
    gh.setCommit(HEAD1, { [WF]: ONE })
    gh.prFiles = [modified(WF), modified('src/app.ts')]
    const r1 = await runAction({
      event: 'pull_request',
      payload: prPayload({ head: HEAD1, changedFiles: 2, action: 'opened' }),
      sha: 'f'.repeat(40),
      apiUrl: gh.url,
      inputs: { now: '2026-02-01', 'sarif-file': 'out/results.sarif' }
    })
    // The fewest calls: list the files, read the workflow and the (absent) config at the head commit,
    // list the comments, create one. No identity lookup: there was no earlier comment to check.
    expect(gh.calls()).toEqual([
      `GET ${pulls()}`,
      `GET ${contents(WF, HEAD1)}`,
      `GET ${contents(CONFIG, HEAD1)}`,
      `GET ${comments()}`,
      'POST /repos/acme/app/issues/7/comments'
    ])
    const stdoutLines = r1.stdout.split('\n')
    const ann = stdoutLines.filter((l) => l.startsWith('::error file='))
    expect(ann).toHaveLength(1)
    expect(ann[0].startsWith(annotation(11))).toBe(true)
    expect(ann[0]).toMatch(
      /`Configure AWS credentials`.*`id-token: write`.*\(deploy \/ Configure AWS credentials\)$/
    )
    expect(stdoutLines).toContain('::error::prevent-similar-bugs: 1 error (fail-on: error)')
    expect(r1.code).toBe(1)
    expect(r1.outputs).toEqual({
      findings: '1',
      errors: '1',
      warnings: '0',
      notices: '0',
      'sarif-file': join(r1.workspace, 'out/results.sarif'),
      'comment-url': 'https://github.com/acme/app/pull/1#issuecomment-1000'
    })
    const sarif = JSON.parse(readFileSync(join(r1.workspace, 'out/results.sarif'), 'utf8'))
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual([
      'oidc-permission-missing'
    ])

    const body1 = (gh.requests[4].body as { body: string }).body
    const lines1 = body1.split('\n')
    expect(lines1.slice(0, 6)).toEqual([
      MARKER,
      '### prevent-similar-bugs: 1 error in 1 file',
      '',
      '| | rule | where | job / step |',
      '|---|---|---|---|',
      `| ❌ | \`oidc-permission-missing\` | [deploy\\.yml:11](${blob(HEAD1)}#L11) | deploy / Configure AWS credentials |`
    ])
    expect(lines1[7]).toMatch(
      /^<details><summary>❌ <b>oidc-permission-missing<\/b>: <code>Configure AWS credentials<\/code> /
    )
    expect(body1).toContain('```yaml\n')
    expect(lines1.at(-2)).toBe(`<sub>1 file checked · rules: built\\-in ${builtinCount()}</sub>`)
    // The summary carries the same report, without the marker, plus nothing about a comment.
    expect(r1.summary).toBe(body1.replace(`${MARKER}\n`, ''))

    // Run 2: a push adds a second job with the same problem: the comment is updated, not duplicated.
    gh.setCommit(HEAD2, { [WF]: TWO })
    gh.requests.length = 0
    const r2 = await runAction({
      event: 'pull_request',
      payload: prPayload({ head: HEAD2, changedFiles: 2 }),
      sha: 'e'.repeat(40),
      apiUrl: gh.url,
      inputs: { now: '2026-02-01' }
    })
    expect(gh.calls()).toEqual([
      `GET ${pulls()}`,
      `GET ${contents(WF, HEAD2)}`,
      `GET ${contents(CONFIG, HEAD2)}`,
      `GET ${comments()}`,
      'POST /graphql',
      'PATCH /repos/acme/app/issues/comments/1000'
    ])
    expect(r2.stdout.split('\n').filter((l) => l.startsWith('::error file='))).toEqual([
      expect.stringMatching(new RegExp(`^${escapeRe(annotation(11))}`)),
      expect.stringMatching(
        new RegExp(`^${escapeRe(annotation(21))}.*\\(release / Configure AWS credentials\\)$`)
      )
    ])
    expect(gh.comments).toHaveLength(1)
    const body2 = gh.comments[0].body
    expect(body2.split('\n').slice(0, 7)).toEqual([
      MARKER,
      '### prevent-similar-bugs: 2 errors in 1 file',
      '',
      '| | rule | where | job / step |',
      '|---|---|---|---|',
      `| ❌ | \`oidc-permission-missing\` | [deploy\\.yml:11](${blob(HEAD2)}#L11) | deploy / Configure AWS credentials |`,
      `| ❌ | \`oidc-permission-missing\` | [deploy\\.yml:21](${blob(HEAD2)}#L21) | release / Configure AWS credentials |`
    ])
    expect(r2.outputs['comment-url']).toBe('https://github.com/acme/app/pull/1#issuecomment-1000')

    // Run 3: the fix: the comment turns into an all-clear; the run passes.
    gh.setCommit(HEAD3, { [WF]: FIXED })
    gh.requests.length = 0
    const r3 = await runAction({
      event: 'pull_request',
      payload: prPayload({ head: HEAD3, changedFiles: 2 }),
      sha: 'd'.repeat(40),
      apiUrl: gh.url,
      inputs: { now: '2026-02-01' }
    })
    expect(r3.code).toBe(0)
    expect(gh.calls().at(-1)).toBe('PATCH /repos/acme/app/issues/comments/1000')
    const allClear = [
      MARKER,
      '### prevent-similar-bugs: no findings ✅',
      '',
      'All clear: the findings reported earlier are gone (1 file checked).',
      '',
      `<sub>1 file checked · rules: built\\-in ${builtinCount()}</sub>`,
      ''
    ].join('\n')
    expect(gh.comments).toEqual([
      { id: 1000, body: allClear, login: 'github-actions[bot]', type: 'Bot' }
    ])
    expect(r3.stdout).not.toMatch(/^::error/m)
    expect(r3.outputs).toMatchObject({
      findings: '0',
      errors: '0',
      'comment-url': expect.stringContaining('1000')
    })

    // Run 4: still clean: the all-clear is already there, so nothing is written.
    gh.requests.length = 0
    await runAction({
      event: 'pull_request',
      payload: prPayload({ head: HEAD3, changedFiles: 2 }),
      sha: 'd'.repeat(40),
      apiUrl: gh.url,
      inputs: { now: '2026-02-01' }
    })
    expect(gh.calls().filter((c) => !c.startsWith('GET'))).toEqual(['POST /graphql'])
  })

  test('a clean pull request with no earlier comment posts nothing', async () => {
    gh.setCommit(HEAD1, { [WF]: FIXED })
    gh.prFiles = [modified(WF)]
    const r = await runAction({
      event: 'pull_request',
      payload: prPayload({ head: HEAD1, changedFiles: 1 }),
      sha: HEAD1,
      apiUrl: gh.url
    })
    expect(r.code).toBe(0)
    expect(gh.calls()).toEqual([
      `GET ${pulls()}`,
      `GET ${contents(WF, HEAD1)}`,
      `GET ${contents(CONFIG, HEAD1)}`,
      `GET ${comments()}`
    ])
    expect(r.outputs['comment-url']).toBe('')
    expect(r.summary.split('\n').slice(0, 3)).toEqual([
      '### prevent-similar-bugs: no findings ✅',
      '',
      '1 file checked, no findings.'
    ])
  })

  test('a marker in a comment by someone else is not ours: a new comment is created', async () => {
    gh.setCommit(HEAD1, { [WF]: ONE })
    gh.prFiles = [modified(WF)]
    gh.comments = [
      { id: 5, body: `${MARKER}\nall clear, trust me`, login: 'mallory', type: 'User' }
    ]
    await runAction({
      event: 'pull_request',
      payload: prPayload({ head: HEAD1, changedFiles: 1 }),
      sha: HEAD1,
      apiUrl: gh.url
    })
    expect(gh.calls().slice(3)).toEqual([
      `GET ${comments()}`,
      'POST /graphql',
      'POST /repos/acme/app/issues/7/comments'
    ])
    expect(gh.comments.map((c) => [c.id, c.login])).toEqual([
      [5, 'mallory'],
      [1000, 'github-actions[bot]']
    ])
  })
})

test('with the head commit checked out, files are read from the workspace: 3 API calls', async () => {
  gh.prFiles = [modified(WF)]
  const workspace = makeWorkspace({ [WF]: ONE }, HEAD1)
  const r = await runAction({
    event: 'pull_request',
    payload: prPayload({ head: HEAD1, changedFiles: 1 }),
    sha: HEAD1,
    apiUrl: gh.url,
    workspace
  })
  expect(gh.calls()).toEqual([
    `GET ${pulls()}`,
    `GET ${comments()}`,
    'POST /repos/acme/app/issues/7/comments'
  ])
  expect(r.stdout).toContain(annotation(11))
})

test('fork pull request: the comment gets a 403; a warning, and the run succeeds with annotations and the summary', async () => {
  gh.setCommit(HEAD1, { [WF]: ONE })
  gh.prFiles = [modified(WF)]
  gh.commentWriteStatus = 403
  const r = await runAction({
    event: 'pull_request',
    payload: prPayload({ head: HEAD1, changedFiles: 1, fork: true }),
    sha: HEAD1,
    apiUrl: gh.url,
    inputs: { 'fail-on': 'never' }
  })
  expect(r.code).toBe(0)
  expect(gh.calls().at(-1)).toBe('POST /repos/acme/app/issues/7/comments')
  // no retry of a 403
  expect(gh.calls().filter((c) => c.startsWith('POST /repos'))).toHaveLength(1)
  expect(r.stdout.split('\n')).toContain(
    '::warning::Could not post the PR comment: the token cannot comment on this pull request (HTTP 403, a pull request from a fork gets a read-only token; give the job `pull-requests: write`). The annotations and the job summary carry the report.'
  )
  expect(r.stdout).toContain(annotation(11))
  expect(r.summary.split('\n')[0]).toBe('### prevent-similar-bugs: 1 error in 1 file')
  expect(r.outputs).toMatchObject({ findings: '1', errors: '1', 'comment-url': '' })
})

test('more than 100 changed files: the listing is paginated', async () => {
  const other = '.github/workflows/zz-other.yml'
  gh.setCommit(HEAD1, { [WF]: ONE, [other]: FIXED })
  gh.prFiles = [
    ...Array.from({ length: 120 }, (_, i) => modified(`src/file${String(i).padStart(3, '0')}.ts`)),
    modified(WF),
    ...Array.from({ length: 80 }, (_, i) => modified(`docs/page${i}.md`)),
    modified(other)
  ]
  const r = await runAction({
    event: 'pull_request',
    payload: prPayload({ head: HEAD1, changedFiles: 202 }),
    sha: HEAD1,
    apiUrl: gh.url
  })
  expect(gh.calls().slice(0, 5)).toEqual([
    `GET ${pulls()}`,
    `GET ${pulls()}&page=2`,
    `GET ${pulls()}&page=3`,
    `GET ${contents(WF, HEAD1)}`,
    `GET ${contents(other, HEAD1)}`
  ])
  expect(r.summary).toContain('2 files checked')
  expect(r.outputs.findings).toBe('1')
})

test('removed files are not read; renamed files are read under their new name', async () => {
  const renamed = '.github/workflows/release.yml'
  gh.setCommit(HEAD1, { [renamed]: ONE })
  gh.prFiles = [
    { filename: '.github/workflows/old.yml', status: 'removed' },
    { filename: renamed, status: 'renamed', previous_filename: '.github/workflows/publish.yml' }
  ]
  const r = await runAction({
    event: 'pull_request',
    payload: prPayload({ head: HEAD1, changedFiles: 2 }),
    sha: HEAD1,
    apiUrl: gh.url
  })
  expect(gh.calls().slice(0, 3)).toEqual([
    `GET ${pulls()}`,
    `GET ${contents(renamed, HEAD1)}`,
    `GET ${contents(CONFIG, HEAD1)}`
  ])
  expect(r.stdout).toContain(annotation(11, 15, 55, renamed))
  expect(r.stdout).toContain('1 removed file(s) in the pull request: not checked')
})

test('a pull request that edits the config to disable the rule: the base config applies, and the comment says so', async () => {
  gh.setCommit(HEAD1, { [WF]: ONE, [CONFIG]: 'disable: [oidc-permission-missing]\n' })
  gh.setCommit(BASE, { [CONFIG]: 'quick-fix-warning-days: 7\n' })
  gh.prFiles = [modified(WF), modified(CONFIG)]
  const r = await runAction({
    event: 'pull_request',
    payload: prPayload({ head: HEAD1, changedFiles: 2 }),
    sha: HEAD1,
    apiUrl: gh.url
  })
  expect(gh.calls().slice(0, 3)).toEqual([
    `GET ${pulls()}`,
    `GET ${contents(WF, HEAD1)}`,
    `GET ${contents(CONFIG, BASE)}`
  ])
  expect(r.outputs.errors).toBe('1')
  expect(r.stdout).toContain(annotation(11))
  const body = gh.comments[0].body
  expect(body).toContain(
    `\n> This pull request changes \`${CONFIG}\`; the configuration of the base branch was used\\.\n`
  )
  expect(body).toContain(
    `config from ${CONFIG.replace(/[-.]/g, (c) => `\\${c}`)} \\(the base branch\\)</sub>`
  )
})

test('on pull_request_target the base config applies even when the PR does not touch it', async () => {
  gh.setCommit(HEAD1, { [WF]: ONE, [CONFIG]: 'disable: [oidc-permission-missing]\n' })
  gh.setCommit(BASE, {})
  gh.prFiles = [modified(WF)]
  const r = await runAction({
    event: 'pull_request_target',
    payload: prPayload({ head: HEAD1, changedFiles: 1 }),
    sha: BASE,
    apiUrl: gh.url
  })
  expect(gh.calls().slice(0, 3)).toEqual([
    `GET ${pulls()}`,
    `GET ${contents(WF, HEAD1)}`,
    `GET ${contents(CONFIG, BASE)}`
  ])
  expect(r.outputs.errors).toBe('1')
})

test('step names crafted to inject markdown, mentions and workflow commands are escaped everywhere', async () => {
  const evil = '"@octocat [click](https://evil.example) <img src=x> #1\\n::error::pwned"'
  gh.setCommit(HEAD1, { [WF]: header() + job('deploy', evil) })
  gh.prFiles = [modified(WF)]
  const r = await runAction({
    event: 'pull_request',
    payload: prPayload({ head: HEAD1, changedFiles: 1 }),
    sha: HEAD1,
    apiUrl: gh.url
  })
  // No workflow command but ours reaches stdout.
  const commands = r.stdout.split('\n').filter((l) => l.startsWith('::'))
  expect(commands.map((l) => l.slice(0, l.indexOf('::', 2) + 2).replace(/ .*::$/, ' …::'))).toEqual(
    ['::error …::', '::error::']
  )
  expect(r.stdout).not.toMatch(/^::error::pwned/m)
  expect(commands[0]).toContain('%0A::error::pwned')
  const Z = '\u200b'
  const body = gh.comments[0].body
  const row = body.split('\n').find((l) => l.startsWith('| ❌'))
  expect(row).toBe(
    `| ❌ | \`oidc-permission-missing\` | [deploy\\.yml:11](${blob(HEAD1)}#L11) | deploy / @${Z}octocat \\[click\\]\\(https:${Z}//evil\\.example\\) \\<img src\\=x\\> \\#${Z}1 ::error::pwned |`
  )
  const live = body.replace(/`[^`]*`/g, '').replace(/<code>.*?<\/code>/g, '')
  expect(live).not.toMatch(/(^|[^\\])@octocat/m)
  expect(live).not.toMatch(/(^|[^\\])<img/m)
  expect(live).not.toMatch(/[^\\]\]\(https:\/\/evil/)
  expect(r.summary).toBe(body.replace(`${MARKER}\n`, ''))
})

describe('push events scan all matching files', () => {
  test('from the checked-out workspace: no API call at all', async () => {
    const workspace = makeWorkspace(
      {
        [WF]: ONE,
        '.github/workflows/ok.yml': FIXED,
        'docs/readme.md': '# x',
        'ci/other.yml': ONE
      },
      HEAD1
    )
    const r = await runAction({
      event: 'push',
      payload: { after: HEAD1, ref: 'refs/heads/main' },
      sha: HEAD1,
      apiUrl: gh.url,
      workspace
    })
    expect(gh.calls()).toEqual([])
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::error file='))).toEqual([
      expect.stringMatching(new RegExp(`^${escapeRe(annotation(11))}`))
    ])
    expect(r.summary).toContain('2 files checked')
    expect(r.outputs).toMatchObject({ findings: '1', 'comment-url': '' })
  })

  test('without a checkout: one tree listing, then the matching files', async () => {
    gh.setCommit(HEAD1, { [WF]: ONE, '.github/workflows/ok.yml': FIXED, 'README.md': '# x' })
    const r = await runAction({
      event: 'push',
      payload: { after: HEAD1 },
      sha: HEAD1,
      apiUrl: gh.url
    })
    expect(gh.calls()).toEqual([
      `GET /repos/acme/app/git/trees/${HEAD1}?recursive=true`,
      `GET ${contents(WF, HEAD1)}`,
      `GET ${contents('.github/workflows/ok.yml', HEAD1)}`,
      `GET ${contents(CONFIG, HEAD1)}`
    ])
    expect(r.outputs.findings).toBe('1')
  })
})

test('a changed local action is checked through the workflows that use it', async () => {
  const action = '.github/actions/aws/action.yml'
  const composite = `name: aws
runs:
  using: composite
  steps:
    - name: Configure AWS credentials
      uses: aws-actions/configure-aws-credentials@v4
      with:
        role-to-assume: arn:aws:iam::123456789012:role/deploy
        aws-region: us-east-1
`
  const user = `${header()}  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./.github/actions/aws
      - run: aws s3 ls
`
  gh.setCommit(HEAD1, { [action]: composite, [WF]: user, '.github/workflows/unrelated.yml': FIXED })
  gh.prFiles = [modified(action)]
  const r = await runAction({
    event: 'pull_request',
    payload: prPayload({ head: HEAD1, changedFiles: 1 }),
    sha: HEAD1,
    apiUrl: gh.url
  })
  expect(gh.calls().slice(0, 5)).toEqual([
    `GET ${pulls()}`,
    `GET /repos/acme/app/git/trees/${HEAD1}?recursive=true`,
    `GET ${contents(WF, HEAD1)}`,
    `GET ${contents('.github/workflows/unrelated.yml', HEAD1)}`,
    `GET ${contents(action, HEAD1)}`
  ])
  expect(r.summary).toContain(
    `> \`${WF}\` was checked because it uses \`./.github/actions/aws\`, which this pull request changes\\.`
  )
  expect(r.summary).toContain('2 files checked')
})

test('a bad input fails the step and names the input', async () => {
  const r = await runAction({
    event: 'push',
    payload: {},
    sha: HEAD1,
    apiUrl: gh.url,
    inputs: { 'fail-on': 'sometimes' }
  })
  expect(r.code).toBe(1)
  expect(r.stdout.trim().split('\n')).toEqual([
    '::error::input `fail-on` must be one of error, warning, notice, never; got "sometimes"'
  ])
  expect(gh.calls()).toEqual([])
})
