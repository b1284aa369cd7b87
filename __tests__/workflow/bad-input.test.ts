import { describe, expect, test } from '@jest/globals'
import { parse, problems, yaml } from './helpers.js'

const job = (...lines: string[]) => yaml('on: push', 'jobs:', '  j:', '    runs-on: x', ...lines)

/** [case, file text, expected findings, whether a model is kept] */
const CASES: [string, string, string[], boolean][] = [
  [
    'invalid YAML (unclosed flow sequence)',
    job('    steps: [x'),
    [
      '6:1 error parse-error invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'
    ],
    false
  ],
  [
    'invalid YAML (bad indentation)',
    yaml('on: push', 'jobs:', '  j:', '    runs-on: x', '   steps: []'),
    ['5:1 error parse-error invalid YAML: All mapping items must start at the same column'],
    false
  ],
  [
    'tabs as indentation',
    yaml('on: push', 'jobs:', '\tj:', '    runs-on: x'),
    ['3:1 error parse-error invalid YAML: Tabs are not allowed as indentation'],
    false
  ],
  [
    'the root is a list',
    yaml('- a', '- b'),
    ['1:1 error invalid-workflow the top level must be a mapping, not a list'],
    false
  ],
  [
    'the root is a string',
    yaml('hello'),
    ['1:1 error invalid-workflow the top level must be a mapping, not a string'],
    false
  ],
  [
    'duplicate keys, at the top and in a step',
    yaml(
      'on: push',
      'on: pull_request',
      'jobs:',
      '  j:',
      '    runs-on: x',
      '    steps:',
      '      - run: a',
      '        run: b'
    ),
    [
      '2:1 error parse-error duplicate key `on` (first at line 1); the first one is used',
      '8:9 error parse-error duplicate key `run` (first at line 7); the first one is used'
    ],
    true
  ],
  [
    'several documents',
    yaml('on: push', 'jobs: {}', '---', 'on: pull'),
    ['3:1 error invalid-workflow the file holds 2 YAML documents; only the first is read'],
    true
  ],
  [
    '`steps` is a mapping',
    job('    steps:', '      run: a'),
    ['6:7 error invalid-workflow `steps` of job `j` must be a list, not a mapping'],
    true
  ],
  [
    'a step that is a string, one that is a number',
    job('    steps:', '      - echo hi', '      - 42', '      - run: ok'),
    [
      '6:9 error invalid-workflow step 1 of job `j` must be a mapping, not a string',
      '7:9 error invalid-workflow step 2 of job `j` must be a mapping, not a number'
    ],
    true
  ],
  [
    '`jobs` is a list',
    yaml('on: push', 'jobs:', '  - j'),
    ['3:3 error invalid-workflow `jobs` must be a mapping, not a list'],
    true
  ],
  [
    'a job that is a string',
    yaml('on: push', 'jobs:', '  j: hello'),
    ['3:6 error invalid-workflow job `j` must be a mapping, not a string'],
    true
  ],
  [
    '`with` is a string',
    job('    steps:', '      - uses: a/b@v1', '        with: oops'),
    ['7:15 error invalid-workflow `with` must be a mapping, not a string'],
    true
  ],
  [
    'timeout-minutes: a quoted expression is fine, a word is not',
    job(
      '    timeout-minutes: "${{ inputs.t }}"',
      '    steps:',
      '      - run: a',
      '        timeout-minutes: soon'
    ),
    [
      '8:26 error invalid-workflow `timeout-minutes` must be a number of minutes or an expression, not `soon`'
    ],
    true
  ],
  [
    'permissions: write-all is valid; admin is not',
    yaml(
      'on: push',
      'permissions: write-all',
      'jobs:',
      '  j:',
      '    runs-on: x',
      '    permissions: admin',
      '    steps:',
      '      - run: a'
    ),
    [
      '6:18 error invalid-workflow `permissions` must be `read-all`, `write-all` or a mapping, not `admin`'
    ],
    true
  ],
  [
    'a permission level that does not exist',
    job('    permissions:', '      contents: admin', '    steps:', '      - run: a'),
    ['6:17 error invalid-workflow permission `contents` must be read, write or none'],
    true
  ],
  [
    'unknown keys at three levels are warnings',
    yaml(
      'on: push',
      'foo: 1',
      'jobs:',
      '  j:',
      '    runs-on: x',
      '    stepz: []',
      '    steps:',
      '      - run: a',
      '        wiht: {}'
    ),
    [
      '2:1 warning invalid-workflow unknown key `foo` in the workflow',
      '6:5 warning invalid-workflow unknown key `stepz` in job `j`',
      '9:9 warning invalid-workflow unknown key `wiht` in step 1 of job `j`'
    ],
    true
  ],
  [
    'an empty file',
    '',
    [
      '1:1 error invalid-workflow the file has no YAML content (it is empty or only comments): a workflow needs `on:` and `jobs:`'
    ],
    false
  ],
  [
    'a file of only comments',
    yaml('# just', '# comments'),
    [
      '1:1 error invalid-workflow the file has no YAML content (it is empty or only comments): a workflow needs `on:` and `jobs:`'
    ],
    false
  ],
  ['no jobs', yaml('on: push'), ['1:1 error invalid-workflow the workflow has no `jobs`'], true],
  [
    'no trigger',
    yaml('jobs:', '  j:', '    runs-on: x', '    steps:', '      - run: a'),
    ['1:1 warning invalid-workflow the workflow has no `on:` (no trigger)'],
    true
  ],
  [
    'a step with neither uses nor run, one with both',
    job('    steps:', '      - name: x', '      - uses: a/b@v1', '        run: echo'),
    [
      '6:9 error invalid-workflow step 1 of job `j` has neither `uses` nor `run`',
      '7:9 error invalid-workflow step 2 of job `j` has both `uses` and `run`'
    ],
    true
  ],
  [
    'a malformed action reference',
    job('    steps:', '      - uses: not-a-ref'),
    ['6:15 error invalid-workflow `uses: not-a-ref` is not a valid action reference'],
    true
  ],
  ['a job without steps', job(), ['3:3 error invalid-workflow job `j` has no `steps`'], true],
  [
    '`run` is a mapping',
    job('    steps:', '      - run: {a: 1}'),
    ['6:14 error invalid-workflow `run` must be a string, not a mapping'],
    true
  ]
]

describe('bad input is a finding with its line, never a crash', () => {
  test.each(CASES)('%s', (_name, text, expected, modelKept) => {
    const r = parse(text)
    expect(problems(r)).toEqual(expected)
    expect(r.workflow !== undefined).toBe(modelKept)
    expect(r.skipped).toBeUndefined()
  })

  test('the model keeps what could be read around a bad step', () => {
    const r = parse(job('    steps:', '      - echo hi', '      - run: ok'))
    expect(r.workflow!.jobs[0].steps.map((s) => [s.index, s.localIndex, s.label])).toEqual([
      [0, 1, 'ok']
    ])
  })

  test('files that are not workflows are skipped with the reason', () => {
    expect(parse(yaml('name: x', 'foo: 1'))).toMatchObject({
      skipped: 'not a workflow or an action (no `on:`, `jobs:` or `runs:`)',
      findings: []
    })
    const node = parse(
      yaml('name: a', 'runs:', '  using: node20', '  main: x.js'),
      {},
      {},
      'action.yml'
    )
    expect(node).toMatchObject({
      skipped: 'an action that is not a composite action',
      findings: []
    })
  })

  test('more than five YAML errors: five findings, the last says how many more', () => {
    const r = parse(yaml('on: push', ...Array.from({ length: 10 }, (_, i) => `k${i}: [a`)))
    expect(r.findings).toHaveLength(5)
    expect(r.findings.map((f) => f.ruleId)).toEqual(Array(5).fill('parse-error'))
    expect(r.findings[4].message).toMatch(/ \(and 5 more YAML errors after it\)$/)
  })
})
