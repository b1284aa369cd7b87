/**
 * End to end, continued: pull requests over GitHub's 3,000-file listing cap, merge queues, rule
 * folders read from the base branch through the API, and a config that is invalid on the base branch.
 * The committed bundle `dist/index.js` (or PSB_ACTION_BUNDLE), run as the runner runs it, against the
 * fake GitHub API. Run `node scripts/bundle.mjs` after changing src/.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals'
import { existsSync } from 'node:fs'
import { FakeGitHub, type PrFileEntry } from './fake-github.js'
import { BASE, BUNDLE, HEAD1, makeWorkspace, prPayload, runAction } from './harness.js'
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
  MARKER,
  modified,
  ONE,
  pulls,
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

const tree = (sha: string) => `/repos/acme/app/git/trees/${sha}?recursive=true`
const errorAnnotations = (stdout: string) =>
  stdout.split('\n').filter((l) => l.startsWith('::error file='))

/** `n` changed files that are not workflows: src/gen/f0000.ts … */
const generated = (n: number): PrFileEntry[] =>
  Array.from({ length: n }, (_, i) => modified(`src/gen/f${String(i).padStart(4, '0')}.ts`))

/** The 30 requests that list 3,000 files, 100 a page. */
const thirtyPages = () => [
  `GET ${pulls()}`,
  ...Array.from({ length: 29 }, (_, i) => `GET ${pulls()}&page=${i + 2}`)
]

describe('a pull request over the 3,000-file listing cap', () => {
  const UNTOUCHED = '.github/workflows/untouched.yml'
  const OK = '.github/workflows/ok.yml'

  test('through the API: all 30 pages, then one tree listing and every matching file; the summary and the comment say so', async () => {
    // WF is among the 3,000 listed files; UNTOUCHED is not listed (it is in the tail GitHub cuts).
    gh.setCommit(HEAD1, { [WF]: ONE, [OK]: FIXED, [UNTOUCHED]: ONE, 'src/app.ts': 'x' })
    gh.setCommit(BASE, {})
    gh.prFiles = [...generated(1500), modified(WF), ...generated(1499)]
    expect(gh.prFiles).toHaveLength(3000)
    const r = await runAction({
      event: 'pull_request',
      payload: prPayload({ head: HEAD1, changedFiles: 3412 }),
      sha: HEAD1,
      apiUrl: gh.url,
      inputs: { now: '2026-02-01' }
    })
    expect(gh.calls()).toEqual([
      ...thirtyPages(),
      `GET ${tree(HEAD1)}`,
      `GET ${contents(WF, HEAD1)}`,
      `GET ${contents(OK, HEAD1)}`,
      `GET ${contents(UNTOUCHED, HEAD1)}`,
      `GET ${contents(CONFIG, BASE)}`,
      `GET ${comments()}`,
      'POST /repos/acme/app/issues/7/comments'
    ])
    expect(r.code).toBe(1)
    expect(errorAnnotations(r.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^${escapeRe(annotation(11))}`)),
      expect.stringMatching(new RegExp(`^${escapeRe(annotation(11, 15, 55, UNTOUCHED))}`))
    ])
    expect(r.stdout.split('\n')).toContain(
      "3412 changed files: over GitHub's 3000-file listing limit, checking all matching files"
    )
    expect(r.outputs).toEqual({
      findings: '2',
      errors: '2',
      warnings: '0',
      notices: '0',
      'sarif-file': '',
      'comment-url': 'https://github.com/acme/app/pull/1#issuecomment-1000'
    })
    const body = gh.comments[0].body
    expect(body.split('\n').slice(0, 12)).toEqual([
      MARKER,
      '### prevent-similar-bugs: 2 errors in 2 files',
      '',
      '> This pull request changes 3412 files, more than GitHub lists \\(3000\\): all matching files were checked\\.',
      '',
      '> This pull request changes more files than GitHub lists, so whether it changes `.github/prevent-similar-bugs.yml` cannot be told; the configuration of the base branch was used\\.',
      '',
      '| | rule | where | job / step |',
      '|---|---|---|---|',
      `| ❌ | \`oidc-permission-missing\` | [deploy\\.yml:11](${blob(HEAD1)}#L11) | deploy / Configure AWS credentials |`,
      `| ❌ | \`oidc-permission-missing\` | [untouched\\.yml:11](${blob(HEAD1, UNTOUCHED)}#L11) | deploy / Configure AWS credentials |`,
      ''
    ])
    expect(body.split('\n').at(-2)).toBe(
      `<sub>3 files checked · rules: built\\-in ${builtinCount()}</sub>`
    )
    expect(r.summary).toBe(body.replace(`${MARKER}\n`, ''))
  })

  test('from the checked-out workspace: the 30 pages and the base config; no tree listing', async () => {
    gh.setCommit(BASE, {})
    gh.prFiles = generated(3000)
    const workspace = makeWorkspace(
      { [WF]: ONE, [OK]: FIXED, [UNTOUCHED]: ONE, 'ci/other.yml': ONE },
      HEAD1
    )
    const r = await runAction({
      event: 'pull_request',
      payload: prPayload({ head: HEAD1, changedFiles: 3001 }),
      sha: HEAD1,
      apiUrl: gh.url,
      workspace,
      inputs: { comment: 'off' }
    })
    expect(gh.calls()).toEqual([...thirtyPages(), `GET ${contents(CONFIG, BASE)}`])
    expect(r.outputs).toMatchObject({ findings: '2', errors: '2', 'comment-url': '' })
    expect(r.summary.split('\n').slice(0, 4)).toEqual([
      '### prevent-similar-bugs: 2 errors in 2 files',
      '',
      '> This pull request changes 3001 files, more than GitHub lists \\(3000\\): all matching files were checked\\.',
      ''
    ])
    expect(r.summary).toContain('<sub>3 files checked · ')
  })

  test('a config change in the files GitHub does not list cannot switch the rule off: the base config applies', async () => {
    gh.setCommit(HEAD1, { [WF]: ONE, [CONFIG]: 'disable: [oidc-permission-missing]\n' })
    gh.setCommit(BASE, { [CONFIG]: 'quick-fix-warning-days: 7\n' })
    gh.prFiles = [modified(WF), ...generated(2999)]
    const r = await runAction({
      event: 'pull_request',
      payload: prPayload({ head: HEAD1, changedFiles: 3500 }),
      sha: HEAD1,
      apiUrl: gh.url,
      inputs: { comment: 'off' }
    })
    expect(gh.calls()).toEqual([
      ...thirtyPages(),
      `GET ${tree(HEAD1)}`,
      `GET ${contents(WF, HEAD1)}`,
      `GET ${contents(CONFIG, BASE)}`
    ])
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ findings: '1', errors: '1' })
    expect(errorAnnotations(r.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^${escapeRe(annotation(11))}`))
    ])
    expect(r.summary).toContain(
      `config from ${CONFIG.replace(/[-.]/g, (c) => `\\${c}`)} \\(the base branch\\)</sub>`
    )
  })

  test('exactly 3,000 changed files are all listed: no fallback, only the changed workflow is read', async () => {
    gh.setCommit(HEAD1, { [WF]: ONE, [UNTOUCHED]: ONE })
    gh.prFiles = [...generated(2999), modified(WF)]
    const r = await runAction({
      event: 'pull_request',
      payload: prPayload({ head: HEAD1, changedFiles: 3000 }),
      sha: HEAD1,
      apiUrl: gh.url,
      inputs: { comment: 'off' }
    })
    expect(gh.calls()).toEqual([
      ...thirtyPages(),
      `GET ${contents(WF, HEAD1)}`,
      `GET ${contents(CONFIG, HEAD1)}`
    ])
    expect(r.outputs).toMatchObject({ findings: '1', errors: '1' })
    expect(r.summary).not.toContain('more than GitHub lists')
  })
})

const QUEUE_HEAD = 'e7'.repeat(20)
/** A `merge_group` event payload as GitHub sends it (action `checks_requested`). */
function mergeGroupPayload(head = QUEUE_HEAD, base = BASE): object {
  return {
    action: 'checks_requested',
    merge_group: {
      head_sha: head,
      head_ref: `refs/heads/gh-readonly-queue/main/pr-7-${base}`,
      base_sha: base,
      base_ref: 'refs/heads/main',
      head_commit: {
        id: head,
        tree_id: 'f0'.repeat(20),
        message: 'Merge pull request #7 from acme/feature\n\nDeploy with OIDC',
        timestamp: '2026-01-31T12:00:00Z',
        author: { name: 'dev', email: 'dev@example.com' },
        committer: { name: 'GitHub', email: 'noreply@github.com' }
      }
    },
    repository: { full_name: 'acme/app', name: 'app', owner: { login: 'acme' }, private: false },
    sender: { login: 'dev', type: 'User' }
  }
}
const compare = (base = BASE, head = QUEUE_HEAD) =>
  `/repos/acme/app/compare/${base}...${head}?per_page=100`

describe('merge_group: the files between the base and the head of the merge group', () => {
  test('through the API: one comparison, the changed workflows at the head; no PR comment', async () => {
    const other = '.github/workflows/release.yml'
    gh.setCommit(QUEUE_HEAD, {
      [WF]: ONE,
      [other]: ONE,
      '.github/workflows/ok.yml': FIXED,
      '.github/workflows/old.yml': ONE
    })
    gh.compareFiles = [
      modified(WF),
      modified('src/app.ts'),
      { filename: '.github/workflows/gone.yml', status: 'removed' },
      { filename: other, status: 'renamed', previous_filename: '.github/workflows/publish.yml' }
    ]
    const r = await runAction({
      event: 'merge_group',
      payload: mergeGroupPayload(),
      sha: QUEUE_HEAD,
      apiUrl: gh.url,
      inputs: { now: '2026-02-01' }
    })
    expect(gh.calls()).toEqual([
      `GET ${compare()}`,
      `GET ${contents(WF, QUEUE_HEAD)}`,
      `GET ${contents(other, QUEUE_HEAD)}`,
      `GET ${contents(CONFIG, QUEUE_HEAD)}`
    ])
    expect(r.code).toBe(1)
    expect(errorAnnotations(r.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^${escapeRe(annotation(11))}`)),
      expect.stringMatching(new RegExp(`^${escapeRe(annotation(11, 15, 55, other))}`))
    ])
    expect(r.stdout.split('\n')).toContain('1 removed file(s) in the merge group: not checked')
    expect(r.stdout.split('\n')).toContain(
      `Checking 2 file(s) at ${QUEUE_HEAD.slice(0, 12)} from the API (scope: changed)`
    )
    expect(r.outputs).toEqual({
      findings: '2',
      errors: '2',
      warnings: '0',
      notices: '0',
      'sarif-file': '',
      'comment-url': ''
    })
    expect(r.summary.split('\n').slice(0, 7)).toEqual([
      '### prevent-similar-bugs: 2 errors in 2 files',
      '',
      '| | rule | where | job / step |',
      '|---|---|---|---|',
      `| ❌ | \`oidc-permission-missing\` | [deploy\\.yml:11](${blob(QUEUE_HEAD)}#L11) | deploy / Configure AWS credentials |`,
      `| ❌ | \`oidc-permission-missing\` | [release\\.yml:11](${blob(QUEUE_HEAD, other)}#L11) | deploy / Configure AWS credentials |`,
      ''
    ])
    expect(r.summary.split('\n').at(-2)).toBe(
      `<sub>2 files checked · rules: built\\-in ${builtinCount()}</sub>`
    )
  })

  test('checked out at the merge group head, changing the config: one comparison and the base config', async () => {
    gh.setCommit(BASE, {})
    gh.compareFiles = [modified(WF), modified(CONFIG)]
    const workspace = makeWorkspace(
      { [WF]: ONE, [CONFIG]: 'disable: [oidc-permission-missing]\n' },
      QUEUE_HEAD
    )
    const r = await runAction({
      event: 'merge_group',
      payload: mergeGroupPayload(),
      sha: QUEUE_HEAD,
      apiUrl: gh.url,
      workspace
    })
    expect(gh.calls()).toEqual([`GET ${compare()}`, `GET ${contents(CONFIG, BASE)}`])
    expect(r.outputs).toMatchObject({ findings: '1', errors: '1', 'comment-url': '' })
    expect(r.summary.split('\n').slice(0, 4)).toEqual([
      '### prevent-similar-bugs: 1 error in 1 file',
      '',
      `> This merge group changes \`${CONFIG}\`; the configuration of the base branch was used\\.`,
      ''
    ])
  })

  test('300 files (all GitHub compares): every matching file is checked, and the summary says so', async () => {
    gh.setCommit(QUEUE_HEAD, { [WF]: ONE, '.github/workflows/ok.yml': FIXED })
    gh.setCommit(BASE, {})
    gh.compareFiles = generated(300)
    const r = await runAction({
      event: 'merge_group',
      payload: mergeGroupPayload(),
      sha: QUEUE_HEAD,
      apiUrl: gh.url
    })
    expect(gh.calls()).toEqual([
      `GET ${compare()}`,
      `GET ${tree(QUEUE_HEAD)}`,
      `GET ${contents(WF, QUEUE_HEAD)}`,
      `GET ${contents('.github/workflows/ok.yml', QUEUE_HEAD)}`,
      `GET ${contents(CONFIG, BASE)}`
    ])
    expect(r.outputs).toMatchObject({ findings: '1', 'comment-url': '' })
    expect(r.summary.split('\n').slice(0, 6)).toEqual([
      '### prevent-similar-bugs: 1 error in 1 file',
      '',
      '> This merge group changes at least 300 files, as many as GitHub compares: all matching files were checked\\.',
      '',
      '> This merge group changes more files than GitHub lists, so whether it changes `.github/prevent-similar-bugs.yml` cannot be told; the configuration of the base branch was used\\.',
      ''
    ])
  })
})

describe('rule folders named by the config, from the base branch', () => {
  const RULE = 'ci/rules/no-sudo.yml'
  const CATALOG = 'ci/rules/catalog/team.yml'
  /** A repository's own rule; the pull request's version never matches (it switches itself off). */
  const rule = (run: string, message: string) => `id: no-sudo
title: sudo in CI
severity: warning
message: '${message}'
recommendation: Install what the job needs in its image instead.
match:
  steps:
    - as: s
      where: { run: '${run}' }
`
  const BASE_RULE = rule('\\bsudo\\b', 'step {s.label} runs sudo')
  const PR_RULE = rule('^never$', 'the version of the pull request')
  const SUDO = `${header()}  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Install jq
        run: sudo apt-get install -y jq
`
  const baseFiles = {
    [RULE]: BASE_RULE,
    [CATALOG]: '# no entries yet\n',
    'ci/rules/README.md': '# our rules\n',
    'ci/rules/drafts/other.yml': 'not: [a rule\n'
  }

  test('through the API when the workspace is not at the head: the base version applies, and the comment says so', async () => {
    gh.setCommit(HEAD1, { [WF]: SUDO, [CONFIG]: 'rules: [ci/rules]\n', [RULE]: PR_RULE })
    gh.setCommit(BASE, { [CONFIG]: 'rules: [ci/rules]\n', ...baseFiles })
    gh.prFiles = [modified(WF), modified(RULE)]
    const r = await runAction({
      event: 'pull_request',
      payload: prPayload({ head: HEAD1, changedFiles: 2 }),
      sha: 'f'.repeat(40),
      apiUrl: gh.url,
      inputs: { now: '2026-02-01', 'fail-on': 'warning' }
    })
    // The config is not changed: the head's applies. The rule folder is: the base's files, one
    // tree listing, then its rule and catalog files (not the README, not a subfolder).
    expect(gh.calls()).toEqual([
      `GET ${pulls()}`,
      `GET ${contents(WF, HEAD1)}`,
      `GET ${contents(CONFIG, HEAD1)}`,
      `GET ${tree(BASE)}`,
      `GET ${contents(CATALOG, BASE)}`,
      `GET ${contents(RULE, BASE)}`,
      `GET ${comments()}`,
      'POST /repos/acme/app/issues/7/comments'
    ])
    expect(r.code).toBe(1)
    expect(r.stdout.split('\n').filter((l) => /^::(error|warning) file=/.test(l))).toEqual([
      `::warning file=${WF},line=11,endLine=11,col=14,endColumn=40,title=no-sudo::step Install jq runs sudo (build / Install jq)`
    ])
    expect(r.outputs).toMatchObject({ findings: '1', errors: '0', warnings: '1' })
    const body = gh.comments[0].body
    expect(body.split('\n').slice(0, 8)).toEqual([
      MARKER,
      '### prevent-similar-bugs: 1 warning in 1 file',
      '',
      '> This pull request changes rules in `ci/rules`; the rules of the base branch were used\\.',
      '',
      '| | rule | where | job / step |',
      '|---|---|---|---|',
      `| ⚠️ | \`no-sudo\` | [deploy\\.yml:11](${blob(HEAD1)}#L11) | build / Install jq |`
    ])
    expect(body).not.toContain('the version of the pull request')
    expect(body.split('\n').at(-2)).toBe(
      `<sub>1 file checked · rules: built\\-in ${builtinCount()}, ci/rules 1 · config from ${CONFIG.replace(/[-.]/g, (c) => `\\${c}`)} \\(the head commit\\)</sub>`
    )
    expect(r.summary).toBe(body.replace(`${MARKER}\n`, ''))
  })

  test('with the base branch checked out, the rule folder is read from the workspace', async () => {
    gh.setCommit(HEAD1, { [WF]: SUDO, [CONFIG]: 'rules: [ci/rules]\n', [RULE]: PR_RULE })
    gh.prFiles = [modified(WF), modified(RULE)]
    const workspace = makeWorkspace({ [CONFIG]: 'rules: [ci/rules]\n', ...baseFiles }, BASE)
    const r = await runAction({
      event: 'pull_request',
      payload: prPayload({ head: HEAD1, changedFiles: 2 }),
      sha: BASE,
      apiUrl: gh.url,
      workspace,
      inputs: { comment: 'off' }
    })
    expect(gh.calls()).toEqual([
      `GET ${pulls()}`,
      `GET ${contents(WF, HEAD1)}`,
      `GET ${contents(CONFIG, HEAD1)}`
    ])
    expect(r.outputs).toMatchObject({ findings: '1', warnings: '1' })
    expect(r.summary).toContain(
      '> This pull request changes rules in `ci/rules`; the rules of the base branch were used\\.'
    )
  })

  test('a broken rule file on the base branch, fetched through the API, is named by its repository path', async () => {
    gh.setCommit(HEAD1, { [WF]: SUDO, [CONFIG]: 'rules: [ci/rules]\n', [RULE]: PR_RULE })
    gh.setCommit(BASE, { [RULE]: BASE_RULE.replace('severity: warning', 'severity: fatal') })
    gh.prFiles = [modified(WF), modified(RULE)]
    const r = await runAction({
      event: 'pull_request',
      payload: prPayload({ head: HEAD1, changedFiles: 2 }),
      sha: HEAD1,
      apiUrl: gh.url
    })
    expect(gh.calls()).toEqual([
      `GET ${pulls()}`,
      `GET ${contents(WF, HEAD1)}`,
      `GET ${contents(CONFIG, HEAD1)}`,
      `GET ${tree(BASE)}`,
      `GET ${contents(RULE, BASE)}`
    ])
    expect(r.code).toBe(1)
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::'))).toEqual([
      `::error::${RULE}:3: severity: expected error, warning or notice (in a rule file); this is the base branch's version of the file, which this run uses`
    ])
    expect(gh.comments).toEqual([])
  })

  test('a broken rule file in the checked-out workspace is named by its repository path, as the head version', async () => {
    const workspace = makeWorkspace(
      {
        [WF]: SUDO,
        [CONFIG]: 'rules: [ci/rules]\n',
        [RULE]: BASE_RULE.replace('severity: warning', 'severity: fatal')
      },
      HEAD1
    )
    const r = await runAction({
      event: 'push',
      payload: { after: HEAD1 },
      sha: HEAD1,
      apiUrl: gh.url,
      workspace
    })
    expect(gh.calls()).toEqual([])
    expect(r.code).toBe(1)
    expect(r.stdout.split('\n').filter((l) => l.startsWith('::'))).toEqual([
      `::error::${RULE}:3: severity: expected error, warning or notice (in a rule file)`
    ])
  })
})

test('a config that is invalid on the base branch fails the step with its file and line; no comment', async () => {
  gh.setCommit(HEAD1, { [WF]: ONE, [CONFIG]: 'disable: [oidc-permission-missing]\n' })
  gh.setCommit(BASE, {
    [CONFIG]:
      '# team settings\nquick-fix-warning-days: 7\nseverity:\n  oidc-permission-missing: fatal\n'
  })
  gh.prFiles = [modified(WF), modified(CONFIG)]
  const r = await runAction({
    event: 'pull_request',
    payload: prPayload({ head: HEAD1, changedFiles: 2 }),
    sha: HEAD1,
    apiUrl: gh.url
  })
  expect(gh.calls()).toEqual([
    `GET ${pulls()}`,
    `GET ${contents(WF, HEAD1)}`,
    `GET ${contents(CONFIG, BASE)}`
  ])
  expect(r.code).toBe(1)
  expect(r.stdout.split('\n').filter((l) => l.startsWith('::'))).toEqual([
    `::error::${CONFIG}:4: severity.oidc-permission-missing: expected error, warning, notice or off (in a config file); this is the base branch's version of the file, which this run uses`
  ])
  expect(r.stdout).not.toMatch(/^\s+at /m)
  expect(r.stderr).toBe('')
  expect(r.summary).toBe('')
  expect(r.outputs).toEqual({})
  expect(gh.comments).toEqual([])
})
