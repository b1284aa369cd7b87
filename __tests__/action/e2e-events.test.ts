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
