/**
 * Hostile input to the parser: every case ends in an exact finding or skip reason that names the
 * limit, and the model (when kept) is bounded. No timing assertions: speed is in `npm run bench`.
 */
import { describe, expect, test } from '@jest/globals'
import { parse, problems, yaml } from '../workflow/helpers.js'
import { DEFAULT_LIMITS, nestingDepth } from '../../src/workflow/parse.js'

const DEPTH = `collections are nested more than ${DEFAULT_LIMITS.maxDepth} levels deep (limit maxDepth); the file was not parsed`

describe('size', () => {
  test('a 50 MB file is skipped unparsed, with the limit and its size', () => {
    const text = `on: push\n#${'x'.repeat(50 * 1024 * 1024)}\n`
    const r = parse(text)
    expect(r).toEqual({
      findings: [],
      lines: [],
      skipped: 'larger than the 2048 KiB limit for one file (limit maxBytes): 51200 KiB'
    })
  })

  test('the size limit counts bytes, not characters', () => {
    // 1,000 three-byte characters: 1,000 characters, 3,000 bytes.
    const text = `on: push\nname: ${'€'.repeat(1000)}\n`
    expect(parse(text, {}, { limits: { maxBytes: 2048 } }).skipped).toBe(
      'larger than the 2 KiB limit for one file (limit maxBytes): 3 KiB'
    )
    expect(parse(text, {}, { limits: { maxBytes: 4096 } }).skipped).toBeUndefined()
  })

  test('one very long line (1.5 MB) parses into its model', () => {
    const script = 'x'.repeat(1_500_000)
    const r = parse(`on: push\njobs: {j: {runs-on: x, steps: [{run: "${script}"}]}}\n`)
    expect(r.findings).toEqual([])
    expect(r.workflow!.jobs[0].steps[0].run).toMatchObject({ lines: [2] })
    expect(r.workflow!.jobs[0].steps[0].run!.text).toHaveLength(1_500_000)
  })
})

describe('nesting', () => {
  test('deeply nested flow collections: stopped before yaml parses them', () => {
    const n = 100_000
    expect(problems(parse(`on: push\nx: ${'['.repeat(n)}${']'.repeat(n)}\n`))).toEqual([
      `1:1 error parse-error ${DEPTH}`
    ])
  })

  test('an unclosed flow collection of 1 MB (it exhausts the heap inside yaml)', () => {
    expect(problems(parse(`on: push\nx: &a !!seq ${'['.repeat(1024 * 1024)}`))).toEqual([
      `1:1 error parse-error ${DEPTH}`
    ])
  })

  test('compact block sequences nested on one line (- - - x)', () => {
    expect(problems(parse(`on: push\nx:\n  ${'- '.repeat(500_000)}x\n`))).toEqual([
      `1:1 error parse-error ${DEPTH}`
    ])
  })

  test('block mappings nested by indentation, found after parsing, at the first node too deep', () => {
    const lines = ['on: push', 'x:']
    for (let i = 1; i <= 80; i++) lines.push(`${' '.repeat(i)}k${i}:`)
    // The root is depth 0, `x:` 1, so k64's mapping (line 66, column 65) is at depth 65.
    expect(problems(parse(yaml(...lines)))).toEqual([`66:65 error parse-error ${DEPTH}`])
  })

  test('nesting deeper than the stack is reported as the same limit', () => {
    const lines = ['on: push', 'x:']
    for (let i = 1; i <= 1800; i++) lines.push(`${' '.repeat(i)}k:`)
    const r = parse(yaml(...lines))
    expect(r.findings).toHaveLength(1)
    expect(r.findings[0].message).toBe(DEPTH)
    expect(r.workflow).toBeUndefined()
  })

  test('brackets inside scripts, comments and quoted strings do not count', () => {
    const text = yaml(
      'on: push',
      `# ${'['.repeat(100)}`,
      'jobs:',
      '  j:',
      '    runs-on: x',
      '    steps:',
      '      - run: |',
      `          echo "${'['.repeat(100)}"`,
      `      - run: echo ${'{'.repeat(100)}`,
      `      - run: "${'['.repeat(100)}"`,
      `      - name: '${'{'.repeat(100)}'`,
      '        run: a # [[[[[['
    )
    // Only the compact `- ` of the step list counts.
    expect(nestingDepth(text, 64)).toBe(1)
    const r = parse(text)
    expect(r.findings).toEqual([])
    expect(r.workflow!.jobs[0].steps).toHaveLength(4)
  })

  test('the pre-scan counts real flow nesting, after anchors and tags, and compact indicators', () => {
    expect(nestingDepth('a: [[1], {b: [2]}]\n', 64)).toBe(3)
    expect(nestingDepth('a: &x !!seq [[1]]\n', 64)).toBe(2)
    expect(nestingDepth('- - - x\n', 64)).toBe(3)
    expect(nestingDepth('a: "[[[" \nb: \'{{\'\n', 64)).toBe(0)
  })
})

describe('aliases ("billion laughs")', () => {
  const laughs = (refs: string) => {
    const lines = [
      'on: push',
      'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'
    ]
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i)
      const name = String.fromCharCode(97 + i)
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`)
    }
    return yaml(...lines, 'jobs:', '  j:', '    runs-on: x', `    steps: ${refs}`)
  }

  test('the model never expands an alias recursively: a billion-laughs steps list is nine bad steps', () => {
    const r = parse(laughs('*j'))
    expect(r.workflow!.jobs[0].steps).toEqual([])
    const steps = r.findings.filter((f) => f.message.startsWith('step '))
    expect(steps.map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual(
      Array.from(
        { length: 9 },
        (_, i) => `11:${8 + i * 4} step ${i + 1} of job \`j\` must be a mapping, not a list`
      )
    )
  })

  test('past maxAliases: one finding at the alias, no model', () => {
    const lines = ['on: push', 'x: &e {A: "1"}', 's: &s [{run: a}]', 'jobs:']
    for (let i = 0; i < 1000; i++) lines.push(`  j${i}: {runs-on: x, env: *e, steps: *s}`)
    // Two aliases per job: the 1001st is the \`*e\` of j500 (line 505, column 27).
    const r = parse(yaml(...lines))
    expect(problems(r)).toEqual([
      '505:27 error parse-error the file resolves more than 1000 aliases (limit maxAliases); the file was not checked'
    ])
    expect(r.workflow).toBeUndefined()
  })

  test('an alias resolves to the last anchor of its name before it', () => {
    const r = parse(
      yaml(
        'on: push',
        'x: &v {A: first}',
        'y: &v {A: second}',
        'jobs:',
        '  j:',
        '    runs-on: x',
        '    env: *v',
        '    steps:',
        '      - run: a'
      )
    )
    expect(r.workflow!.jobs[0].env.A.value).toBe('second')
    expect(r.workflow!.jobs[0].env.A.range.line).toBe(3)
  })

  test('a steps list repeated in every job by an alias: maxFileSteps', () => {
    const lines = ['on: push', 's: &s']
    for (let i = 0; i < 100; i++) lines.push('  - run: echo')
    lines.push('jobs:')
    for (let i = 0; i < 300; i++) lines.push(`  j${i}: {runs-on: x, steps: *s}`)
    expect(problems(parse(yaml(...lines)))).toEqual([
      // j200 (line 304) brings steps 20,001 to 20,100, through its `*s` at column 29.
      '304:29 error parse-error the file has more than 20000 steps in all its jobs, composite actions expanded (limit maxFileSteps); the file was not checked'
    ])
  })

  test('maxNodes bounds the nodes read for the model', () => {
    const lines = ['on: push', 'env:']
    for (let i = 0; i < 2000; i++) lines.push(`  K${i}: v`)
    lines.push('jobs: {}')
    expect(problems(parse(yaml(...lines), {}, { limits: { maxNodes: 1000 } }))).toEqual([
      // 1 (root) + 6 (its keys and values) + 2 per env entry: the 1001st is K496's value.
      '499:9 error parse-error reading the file needs more than 1000 YAML nodes (limit maxNodes); the file was not checked'
    ])
  })
})

describe('many jobs, steps, keys and problems', () => {
  test('thousands of jobs: the first 1000 are modelled, one warning names the limit', () => {
    const lines = ['on: push', 'jobs:']
    for (let i = 0; i < 3000; i++) lines.push(`  j${i}: {runs-on: x, steps: [{run: a}]}`)
    const r = parse(yaml(...lines))
    expect(problems(r)).toEqual([
      '1003:3 warning invalid-workflow more than 1000 jobs (limit maxJobs); the rest were not checked'
    ])
    expect(r.workflow!.jobs).toHaveLength(1000)
  })

  test('thousands of steps: the first 1000 of the job, one warning', () => {
    const lines = ['on: push', 'jobs:', '  j:', '    runs-on: x', '    steps:']
    for (let i = 0; i < 5000; i++) lines.push(`      - run: echo ${i}`)
    const r = parse(yaml(...lines))
    expect(problems(r)).toEqual([
      '1006:9 warning invalid-workflow job `j` has more than 1000 steps, composite actions expanded (limit maxSteps); the rest were not checked'
    ])
    expect(r.workflow!.jobs[0].steps).toHaveLength(1000)
  })

  test('a composite expansion that crosses maxSteps is warned once', () => {
    const action = yaml(
      'runs:',
      '  using: composite',
      '  steps:',
      ...Array(10).fill('    - run: x\n      shell: sh')
    )
    const wf = yaml(
      'on: push',
      'jobs:',
      '  j:',
      '    runs-on: x',
      '    steps:',
      '      - uses: ./a',
      '      - uses: ./a',
      '      - run: after'
    )
    const r = parse(wf, { 'a/action.yml': action }, { limits: { maxSteps: 15 } })
    expect(r.workflow!.jobs[0].steps).toHaveLength(15)
    expect(r.findings.map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([
      // At the `uses` of the step whose expansion crosses the limit.
      '.github/workflows/ci.yml:7 job `j` has more than 15 steps, composite actions expanded (limit maxSteps); the rest were not checked'
    ])
  })

  test('duplicate keys in a mapping of 50,000 keys are found (without a quadratic check)', () => {
    const lines = ['on: push', 'env:']
    for (let i = 0; i < 50_000; i++) lines.push(`  K${i}: v`)
    lines.push('  K7: again', 'jobs: {}')
    expect(problems(parse(yaml(...lines), {}, { limits: { maxNodes: 1_000_000 } }))).toEqual([
      '50003:3 error parse-error duplicate key `K7` (first at line 10); the first one is used'
    ])
  })

  test('more problems than maxProblems: the first ones, then one finding with the count', () => {
    const lines = ['on: push', 'jobs:', '  j:', '    runs-on: x', '    steps:']
    for (let i = 0; i < 150; i++) lines.push('      - 1')
    const r = parse(yaml(...lines))
    expect(r.findings).toHaveLength(101)
    expect(r.findings[99].message).toBe('step 100 of job `j` must be a mapping, not a number')
    expect(`${r.findings[100].line} ${r.findings[100].message}`).toBe(
      '106 50 more problems in this file are not listed (limit maxProblems: 100)'
    )
  })
})

describe('line endings, BOM, NUL, tabs', () => {
  const lines = [
    'on: push',
    'jobs:',
    '  j:',
    '    runs-on: x',
    '    steps:',
    '      - run: a',
    '      - 3'
  ]

  test('CRLF: same findings and lines as LF', () => {
    const lf = parse(yaml(...lines))
    const crlf = parse(yaml(...lines).replace(/\n/g, '\r\n'))
    expect(problems(crlf)).toEqual([
      '7:9 error invalid-workflow step 2 of job `j` must be a mapping, not a number'
    ])
    expect(problems(crlf)).toEqual(problems(lf))
    expect(crlf.lines.slice(0, 7)).toEqual(lines)
  })

  test('mixed CRLF and LF', () => {
    const text = lines.map((l, i) => l + (i % 2 ? '\r\n' : '\n')).join('')
    const r = parse(text)
    expect(problems(r)).toEqual([
      '7:9 error invalid-workflow step 2 of job `j` must be a mapping, not a number'
    ])
    expect(r.lines.slice(0, 7)).toEqual(lines)
  })

  test('lone CR is not a line break for yaml: one line, and findings stay on it', () => {
    const r = parse(lines.join('\r'))
    expect(r.lines).toHaveLength(1)
    expect(r.findings.length).toBeGreaterThan(0)
    expect(r.findings.every((f) => f.line === 1 && f.ruleId === 'parse-error')).toBe(true)
  })

  test('a BOM left in the text is not part of the first key', () => {
    const r = parse('\uFEFF' + yaml(...lines.slice(0, 6)))
    expect(r.findings).toEqual([])
    expect(r.workflow!.triggers).toEqual(['push'])
  })

  test('a tab inside a value is fine; as indentation it is invalid YAML', () => {
    const r = parse(
      yaml('on: push', 'jobs:', '  j:', '    runs-on: x', '    steps:', '      - run: "a\tb"')
    )
    expect(r.workflow!.jobs[0].steps[0].run!.text).toBe('a\tb')
    expect(problems(parse(yaml('on: push', 'jobs:', '\tj: {}')))).toEqual([
      '3:1 error parse-error invalid YAML: Tabs are not allowed as indentation'
    ])
  })
})
