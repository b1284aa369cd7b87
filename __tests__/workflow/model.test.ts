import { describe, expect, test } from '@jest/globals'
import { parse, WF, yaml } from './helpers.js'
import type { FileRange } from '../../src/types.js'
import type { Step } from '../../src/workflow/model.js'

const at = (line: number, column: number, endLine: number, endColumn: number): FileRange => ({
  file: WF,
  line,
  column,
  endLine,
  endColumn
})

const CI = yaml(
  'name: CI', // 1
  'on:', // 2
  '  push:', // 3
  '  workflow_dispatch:', // 4
  'env:', // 5
  '  WF_VAR: wf', // 6
  '  SHARED: from-workflow', // 7
  'permissions:', // 8
  '  contents: read', // 9
  '  id-token: write', // 10
  'jobs:', // 11
  '  build:', // 12
  '    name: Build it', // 13
  '    runs-on: ubuntu-latest', // 14
  '    timeout-minutes: 30', // 15
  "    if: github.event_name == 'push'", // 16
  '    needs: [lint]', // 17
  '    environment: production', // 18
  '    env:', // 19
  '      JOB_VAR: job', // 20
  '      SHARED: from-job', // 21
  '    strategy:', // 22
  '      matrix:', // 23
  '        os: [a, b]', // 24
  '    container: node:20', // 25
  '    services:', // 26
  '      redis:', // 27
  '        image: redis', // 28
  '    steps:', // 29
  '      - uses: actions/checkout@v4', // 30
  '      - name: Configure AWS', // 31
  '        id: aws', // 32
  '        uses: aws-actions/configure-aws-credentials@v4', // 33
  '        with:', // 34
  '          role-to-assume: arn:aws:iam::123:role/x', // 35
  '          role-duration-seconds: 3600', // 36
  '        env:', // 37
  '          SHARED: from-step', // 38
  '        timeout-minutes: ${{ inputs.t }}', // 39
  '        continue-on-error: ${{ matrix.experimental }}', // 40
  '      - run: echo hi', // 41
  '        shell: bash', // 42
  '        continue-on-error: true', // 43
  '        if: always()', // 44
  '      - uses: docker://alpine:3.19', // 45
  '      - uses: ./.github/actions/missing', // 46
  '      - uses: actions/aws/ec2@main', // 47
  '  lint:', // 48
  '    runs-on: ubuntu-latest', // 49
  '    permissions: write-all', // 50
  '    steps:', // 51
  '      - run: make lint', // 52
  '  call:', // 53
  '    uses: octo/repo/.github/workflows/x.yml@v1', // 54
  '    with:', // 55
  '      a: 1', // 56
  '    secrets: inherit', // 57
  '  call2:', // 58
  '    uses: ./.github/workflows/y.yml', // 59
  '    permissions: {}', // 60
  '    secrets:', // 61
  '      token: ${{ secrets.T }}' // 62
)

describe('a workflow with every part the model keeps', () => {
  const r = parse(CI)
  const wf = r.workflow!
  const [build, lint, call, call2] = wf.jobs
  const steps = build.steps

  test('no problems but the missing local action, said as a notice; the source lines are kept', () => {
    expect(r.findings).toEqual([
      {
        ruleId: 'unresolved-action',
        severity: 'notice',
        file: '.github/workflows/ci.yml',
        line: 46,
        column: 15,
        endLine: 46,
        endColumn: 40,
        message:
          'local action `./.github/actions/missing` cannot be checked: no action.yml or action.yaml in `./.github/actions/missing` of this repository; its steps are not looked into',
        recommendation: ''
      }
    ])
    expect(r.skipped).toBeUndefined()
    expect(r.lines[29]).toBe('      - uses: actions/checkout@v4')
    expect(r.lines).toHaveLength(63)
  })

  test('workflow name, triggers, env with value and key ranges', () => {
    expect(wf.kind).toBe('workflow')
    expect(wf.name).toBe('CI')
    expect(wf.triggers).toEqual(['push', 'workflow_dispatch'])
    expect(wf.env.SHARED).toEqual({
      value: 'from-workflow',
      isExpression: false,
      range: at(7, 11, 7, 24),
      keyRange: at(7, 3, 7, 9)
    })
  })

  test('jobs: ids, key ranges, kinds, attributes', () => {
    expect(wf.jobs.map((j) => [j.id, j.kind, j.range])).toEqual([
      ['build', 'steps', at(12, 3, 12, 8)],
      ['lint', 'steps', at(48, 3, 48, 7)],
      ['call', 'reusable', at(53, 3, 53, 7)],
      ['call2', 'reusable', at(58, 3, 58, 8)]
    ])
    expect(build.name).toBe('Build it')
    expect(build.runsOn).toBe('ubuntu-latest')
    expect(build.needs).toEqual(['lint'])
    expect(build.environment).toBe('production')
    expect(build.if?.value).toBe("github.event_name == 'push'")
    expect(build.if?.range).toEqual(at(16, 9, 16, 36))
    expect(build.hasMatrix).toBe(true)
    expect(build.strategy).toBeTruthy()
    expect(build.container).toBeTruthy()
    expect(build.services).toBeTruthy()
    expect(lint.hasMatrix).toBe(false)
    expect(lint.container).toBeUndefined()
    expect(lint.services).toBeUndefined()
  })

  test('timeouts: set, and the 360 default', () => {
    expect([build.timeoutMinutes, build.timeoutSet]).toEqual([30, true])
    expect([lint.timeoutMinutes, lint.timeoutSet]).toEqual([360, false])
    expect(steps[1].timeoutMinutes).toBe('expression')
    expect(steps[0].timeoutMinutes).toBeUndefined()
  })

  test('permissions: workflow map inherited by jobs, write-all and {} override it', () => {
    expect(wf.permissions).toEqual({
      kind: 'map',
      scopes: { contents: 'read', 'id-token': 'write' },
      range: at(9, 3, 10, 18)
    })
    expect(build.permissions).toBe(wf.permissions)
    expect(lint.permissions).toEqual({ kind: 'write-all', scopes: {}, range: at(50, 18, 50, 27) })
    expect(call2.permissions).toEqual({ kind: 'map', scopes: {}, range: at(60, 18, 60, 20) })
  })

  test('steps: index, label, range', () => {
    expect(steps.map((s) => [s.index, s.localIndex, s.label, s.range])).toEqual([
      [0, 0, 'actions/checkout@v4', at(30, 9, 30, 34)],
      [1, 1, 'Configure AWS', at(31, 9, 40, 54)],
      [2, 2, 'echo hi', at(41, 9, 44, 21)],
      [3, 3, 'docker://alpine:3.19', at(45, 9, 45, 35)],
      [4, 4, './.github/actions/missing', at(46, 9, 46, 40)],
      [5, 5, 'actions/aws/ec2@main', at(47, 9, 47, 35)]
    ])
    expect(steps.every((s) => s.file === WF)).toBe(true)
    expect(steps[1].id).toBe('aws')
  })

  test('uses split into owner, repo, path, ref; docker and local kept whole', () => {
    const uses = (s: Step) => {
      const { range, ...rest } = s.uses!
      return { ...rest, at: `${range.line}:${range.column}-${range.endColumn}` }
    }
    expect(uses(steps[0])).toEqual({
      raw: 'actions/checkout@v4',
      kind: 'action',
      owner: 'actions',
      repo: 'checkout',
      path: undefined,
      ref: 'v4',
      name: 'actions/checkout',
      at: '30:15-34'
    })
    expect(uses(steps[1])).toMatchObject({
      owner: 'aws-actions',
      repo: 'configure-aws-credentials',
      ref: 'v4',
      at: '33:15-55'
    })
    expect(uses(steps[3])).toEqual({
      raw: 'docker://alpine:3.19',
      kind: 'docker',
      name: 'docker://alpine:3.19',
      at: '45:15-35'
    })
    expect(uses(steps[4])).toMatchObject({ kind: 'local', path: './.github/actions/missing' })
    expect(uses(steps[5])).toMatchObject({
      owner: 'actions',
      repo: 'aws',
      path: 'ec2',
      ref: 'main',
      name: 'actions/aws/ec2'
    })
  })

  test('with inputs: value, value range and key range', () => {
    expect(steps[1].with).toEqual({
      'role-to-assume': {
        value: 'arn:aws:iam::123:role/x',
        isExpression: false,
        range: at(35, 27, 35, 50),
        keyRange: at(35, 11, 35, 25)
      },
      'role-duration-seconds': {
        value: '3600',
        isExpression: false,
        range: at(36, 34, 36, 38),
        keyRange: at(36, 11, 36, 32)
      }
    })
  })

  test('env at three levels: step env, and the effective env step > job > workflow', () => {
    expect(Object.keys(steps[1].env)).toEqual(['SHARED'])
    const eff = (s: Step) =>
      Object.fromEntries(Object.entries(s.effectiveEnv).map(([k, v]) => [k, v.value]))
    expect(eff(steps[1])).toEqual({ WF_VAR: 'wf', SHARED: 'from-step', JOB_VAR: 'job' })
    expect(eff(steps[0])).toEqual({ WF_VAR: 'wf', SHARED: 'from-job', JOB_VAR: 'job' })
    expect(eff(lint.steps[0])).toEqual({ WF_VAR: 'wf', SHARED: 'from-workflow' })
    expect(steps[1].effectiveEnv.SHARED.range).toEqual(at(38, 19, 38, 28))
  })

  test('run, shell, if, continue-on-error', () => {
    expect(steps[2].run).toEqual({ text: 'echo hi', range: at(41, 14, 41, 21), lines: [41] })
    expect(steps[2].shell).toBe('bash')
    expect(steps[2].if?.value).toBe('always()')
    expect(steps[2].continueOnError).toBe(true)
    expect(steps[1].continueOnError).toBe('expression')
    expect(steps[0].continueOnError).toBeUndefined()
  })

  test('a local action that is not in the repository is unresolved, not expanded', () => {
    expect(steps[4].unresolved).toBe(
      'no action.yml or action.yaml in `./.github/actions/missing` of this repository'
    )
    expect(steps[4].expanded).toBeUndefined()
    expect(steps).toHaveLength(6)
  })

  test('reusable-workflow jobs: uses, with, secrets inherit and map', () => {
    expect(call.uses).toMatchObject({
      kind: 'action',
      owner: 'octo',
      repo: 'repo',
      path: '.github/workflows/x.yml',
      ref: 'v1'
    })
    expect(call.with.a).toMatchObject({ value: '1', range: at(56, 10, 56, 11) })
    expect(call.secrets).toBe('inherit')
    expect(call.steps).toEqual([])
    expect(call2.uses).toMatchObject({ kind: 'local', path: './.github/workflows/y.yml' })
    expect(call2.secrets).toEqual({
      token: {
        value: '${{ secrets.T }}',
        isExpression: true,
        range: at(62, 14, 62, 30),
        keyRange: at(62, 7, 62, 12)
      }
    })
  })
})

describe('permissions', () => {
  const job = (wfLevel: string[], jobLevel: string[] = [], on = 'push') =>
    parse(
      yaml(
        `on: ${on}`,
        ...wfLevel,
        'jobs:',
        '  j:',
        '    runs-on: x',
        ...jobLevel,
        '    steps:',
        '      - run: a'
      )
    ).workflow!
  test('none set: default', () => {
    expect(job([]).jobs[0].permissions).toEqual({ kind: 'default', scopes: {} })
  })
  test('only workflow_call: inherited from the caller', () => {
    expect(job([], [], 'workflow_call').permissions).toEqual({ kind: 'inherited', scopes: {} })
    expect(job([], [], '[workflow_call, push]').permissions.kind).toBe('default')
  })
  test('read-all at the workflow; a job map overrides it', () => {
    const wf = job(['permissions: read-all'], ['    permissions:', '      id-token: write'])
    expect(wf.permissions).toMatchObject({ kind: 'read-all' })
    expect(wf.jobs[0].permissions).toEqual({
      kind: 'map',
      scopes: { 'id-token': 'write' },
      range: at(7, 7, 7, 22)
    })
  })
  test('an empty map grants nothing', () => {
    expect(job(['permissions: {}']).jobs[0].permissions).toMatchObject({ kind: 'map', scopes: {} })
    expect(job(['permissions:']).permissions).toMatchObject({ kind: 'map', scopes: {} })
  })
})

describe('timeouts', () => {
  const t = (v: string) =>
    parse(
      yaml(
        'on: push',
        'jobs:',
        '  j:',
        '    runs-on: x',
        `    timeout-minutes: ${v}`,
        '    steps:',
        '      - run: a'
      )
    )
  test('a number, a fraction, an expression', () => {
    expect(t('5').workflow!.jobs[0].timeoutMinutes).toBe(5)
    expect(t('2.5').workflow!.jobs[0].timeoutMinutes).toBe(2.5)
    expect(t('${{ inputs.t }}').workflow!.jobs[0]).toMatchObject({
      timeoutMinutes: 'expression',
      timeoutSet: true
    })
  })
})

describe('environment and triggers', () => {
  test('environment as a mapping with a name', () => {
    const wf = parse(
      yaml(
        'on: [push, pull_request]',
        'jobs:',
        '  j:',
        '    runs-on: x',
        '    environment:',
        '      name: prod',
        '      url: https://x',
        '    steps:',
        '      - run: a'
      )
    ).workflow!
    expect(wf.jobs[0].environment).toBe('prod')
    expect(wf.triggers).toEqual(['push', 'pull_request'])
  })
  test('workflow_call inputs', () => {
    const wf = parse(
      yaml(
        'on:',
        '  workflow_call:',
        '    inputs:',
        '      t:',
        '        type: number',
        '      u: {}',
        'jobs:',
        '  j:',
        '    runs-on: x',
        '    steps:',
        '      - run: a'
      )
    ).workflow!
    expect(wf.inputs).toEqual(['t', 'u'])
    expect(wf.triggers).toEqual(['workflow_call'])
  })
})
