import { describe, expect, test } from '@jest/globals'
import { parseWorkflow } from '../../src/workflow/parse.js'

const parse = (text: string) => parseWorkflow({ path: 'w.yml', text }, () => undefined)

describe('parallel and background steps', () => {
  test('a parallel block becomes its steps, in order, sharing a group; control steps need no run', () => {
    const r = parse(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - parallel:
          - name: Frontend
            run: npm run build:frontend
          - name: Backend
            run: npm run build:backend
      - id: db
        run: docker run postgres
        background: true
      - parallel:
          - run: npm test
      - wait: db
      - wait-all:
      - cancel: db
`)
    expect(r.findings).toEqual([])
    const steps = r.workflow!.jobs[0].steps
    expect(
      steps.map((s) => [s.label, s.range.line, s.parallelGroup, s.background, s.control])
    ).toEqual([
      ['actions/checkout@v6', 6, undefined, undefined, undefined],
      ['Frontend', 8, 1, undefined, undefined],
      ['Backend', 10, 1, undefined, undefined],
      ['docker run postgres', 12, undefined, true, undefined],
      ['npm test', 16, 2, undefined, undefined],
      ['step 5', 17, undefined, undefined, { kind: 'wait', ids: ['db'] }],
      ['step 6', 18, undefined, undefined, { kind: 'wait-all', ids: [] }],
      ['step 7', 19, undefined, undefined, { kind: 'cancel', ids: ['db'] }]
    ])
    expect(steps.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
  })

  test('a parallel block that is not a list, or nested blocks, are findings with their line', () => {
    const r = parse(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - parallel: npm test
      - parallel:
          - parallel:
              - run: a
          - run: b
`)
    expect(r.findings.map((f) => [f.line, f.message])).toEqual([
      [6, '`parallel` must be a list, not a string'],
      [
        8,
        'a step in the parallel block of step 2 of job `build` must be a mapping of one step, not another parallel block'
      ]
    ])
    expect(r.workflow!.jobs[0].steps.map((s) => s.label)).toEqual(['b'])
  })
})
