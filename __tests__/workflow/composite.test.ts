import { describe, expect, test } from '@jest/globals'
import { parse, problems, yaml } from './helpers.js'

const WORKFLOW = yaml(
  'on: push', // 1
  'env:', // 2
  '  A: wf', // 3
  'jobs:', // 4
  '  j:', // 5
  '    runs-on: x', // 6
  '    steps:', // 7
  '      - run: before', // 8
  '      - uses: ./.github/actions/setup', // 9
  '        env:', // 10
  '          B: caller', // 11
  '      - run: after' // 12
)

const SETUP = yaml(
  'name: setup', // 1
  'runs:', // 2
  '  using: composite', // 3
  '  steps:', // 4
  '    - run: echo inner', // 5
  '      shell: bash', // 6
  '      env:', // 7
  '        C: inner', // 8
  '    - uses: ./.github/actions/nested' // 9
)

const NESTED = yaml(
  'runs:', // 1
  '  using: composite', // 2
  '  steps:', // 3
  '    - name: deepest', // 4
  '      run: echo deep', // 5
  '      shell: bash' // 6
)

describe('local composite actions', () => {
  test('steps are expanded in place with their own file, lines and the step that pulled them in', () => {
    const r = parse(WORKFLOW, {
      '.github/actions/setup/action.yml': SETUP,
      '.github/actions/nested/action.yaml': NESTED
    })
    expect(r.findings).toEqual([])
    const steps = r.workflow!.jobs[0].steps
    expect(steps.map((s) => [s.index, s.localIndex, s.label, s.file, s.range.line])).toEqual([
      [0, 0, 'before', '.github/workflows/ci.yml', 8],
      [1, 1, './.github/actions/setup', '.github/workflows/ci.yml', 9],
      [2, 0, 'echo inner', '.github/actions/setup/action.yml', 5],
      [3, 1, './.github/actions/nested', '.github/actions/setup/action.yml', 9],
      [4, 0, 'deepest', '.github/actions/nested/action.yaml', 4],
      [5, 2, 'after', '.github/workflows/ci.yml', 12]
    ])
    expect(steps[1].expanded).toBe(true)
    expect(steps[2].expansion?.via).toBe(steps[1])
    expect(steps[2].expansion?.file).toBe('.github/actions/setup/action.yml')
    expect(steps[2].run?.lines).toEqual([5])
    expect(steps[2].run?.range.file).toBe('.github/actions/setup/action.yml')
    // The nested composite's step came in through the setup's step, itself expanded.
    expect(steps[4].expansion?.file).toBe('.github/actions/nested/action.yaml')
    expect(steps[4].expansion?.via.label).toBe('./.github/actions/nested')
    expect(steps[4].expansion?.via.expansion?.via).toBe(steps[1])
  })

  test('the composite steps see the caller step env over the job and workflow env', () => {
    const r = parse(WORKFLOW, { '.github/actions/setup/action.yml': SETUP })
    const inner = r.workflow!.jobs[0].steps[2]
    const env = Object.fromEntries(Object.entries(inner.effectiveEnv).map(([k, v]) => [k, v.value]))
    expect(env).toEqual({ A: 'wf', B: 'caller', C: 'inner' })
    expect(inner.effectiveEnv.C.range.file).toBe('.github/actions/setup/action.yml')
  })

  test('a missing nested composite is unresolved inside the expansion', () => {
    const r = parse(WORKFLOW, { '.github/actions/setup/action.yml': SETUP })
    const steps = r.workflow!.jobs[0].steps
    expect(steps[3].unresolved).toBe(
      'no action.yml or action.yaml in `./.github/actions/nested` of this repository'
    )
    expect(steps.map((s) => s.label)).toEqual([
      'before',
      './.github/actions/setup',
      'echo inner',
      './.github/actions/nested',
      'after'
    ])
  })

  test('a cycle is cut with a warning at the step that closes it', () => {
    const a = yaml('runs:', '  using: composite', '  steps:', '    - uses: ./b')
    const b = yaml(
      'runs:',
      '  using: composite',
      '  steps:',
      '    - run: in b',
      '      shell: sh',
      '    - uses: ./a'
    )
    const wf = yaml(
      'on: push',
      'jobs:',
      '  j:',
      '    runs-on: x',
      '    steps:',
      '      - uses: ./a'
    )
    const r = parse(wf, { 'a/action.yml': a, 'b/action.yml': b })
    const steps = r.workflow!.jobs[0].steps
    expect(steps.map((s) => [s.label, s.file, s.unresolved])).toEqual([
      ['./a', '.github/workflows/ci.yml', undefined],
      ['./b', 'a/action.yml', undefined],
      ['in b', 'b/action.yml', undefined],
      ['./a', 'b/action.yml', 'cycle: a/action.yml -> b/action.yml -> a/action.yml']
    ])
    // The cycle's warning belongs to b/action.yml's own parse (reported when that file is scanned).
    expect(problems(r)).toEqual([])
  })

  test('an action that uses itself', () => {
    const self = yaml('runs:', '  using: composite', '  steps:', '    - uses: ./')
    const r = parse(self, { 'action.yml': self }, {}, 'action.yml')
    expect(r.workflow!.kind).toBe('composite')
    expect(problems(r)).toEqual([
      '4:13 warning invalid-workflow local action `./` uses itself (cycle: action.yml -> action.yml); not expanded'
    ])
  })

  test('depth beyond maxCompositeDepth is not expanded', () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 5; i++)
      files[`c${i}/action.yml`] = yaml(
        'runs:',
        '  using: composite',
        '  steps:',
        `    - uses: ./c${i + 1}`
      )
    files['c5/action.yml'] = yaml(
      'runs:',
      '  using: composite',
      '  steps:',
      '    - run: end',
      '      shell: sh'
    )
    const wf = yaml(
      'on: push',
      'jobs:',
      '  j:',
      '    runs-on: x',
      '    steps:',
      '      - uses: ./c0'
    )
    const deep = parse(wf, files, { limits: { maxCompositeDepth: 3 } })
    const steps = deep.workflow!.jobs[0].steps
    expect(steps.map((s) => s.label)).toEqual(['./c0', './c1', './c2', './c3'])
    expect(steps[3].unresolved).toBe('more than 3 levels of composite actions')
    const all = parse(wf, files)
    expect(all.workflow!.jobs[0].steps.map((s) => s.label)).toEqual([
      './c0',
      './c1',
      './c2',
      './c3',
      './c4',
      './c5',
      'end'
    ])
  })

  test('a path outside the repository is unresolved and never read', () => {
    const asked: string[] = []
    const wf = yaml(
      'on: push',
      'jobs:',
      '  j:',
      '    runs-on: x',
      '    steps:',
      '      - uses: ../../etc',
      '      - uses: ./a/../../x',
      '      - uses: ./${{ inputs.dir }}'
    )
    const { parseWorkflow } = { parseWorkflow: parse }
    const r = parseWorkflow(
      wf,
      new Proxy({} as Record<string, string>, {
        get: (_t, p) => {
          asked.push(String(p))
          return undefined
        }
      })
    )
    expect(r.workflow!.jobs[0].steps.map((s) => s.unresolved)).toEqual([
      '`../../etc` points outside the repository',
      '`./a/../../x` points outside the repository',
      '`./${{ inputs.dir }}` is an expression'
    ])
    expect(asked).toEqual([])
  })

  test('a local action that is not composite, or does not parse, is unresolved', () => {
    const node = yaml('runs:', '  using: node20', '  main: index.js')
    const broken = yaml('runs: [')
    const wf = yaml(
      'on: push',
      'jobs:',
      '  j:',
      '    runs-on: x',
      '    steps:',
      '      - uses: ./n',
      '      - uses: ./b'
    )
    const r = parse(wf, { 'n/action.yml': node, 'b/action.yml': broken })
    expect(r.workflow!.jobs[0].steps.map((s) => s.unresolved)).toEqual([
      'n/action.yml is not a composite action',
      'b/action.yml could not be parsed'
    ])
  })
})
