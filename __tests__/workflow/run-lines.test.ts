import { describe, expect, test } from '@jest/globals'
import { parse, yaml } from './helpers.js'

/** Each script line with the source line it maps to: `line: text`. */
function mapped(...stepLines: string[]): string[] {
  const r = parse(yaml('on: push', 'jobs:', '  j:', '    runs-on: x', '    steps:', ...stepLines))
  expect(r.findings).toEqual([])
  const run = r.workflow!.jobs[0].steps[0].run!
  const parts = run.text.split('\n')
  expect(run.lines).toHaveLength(parts.length)
  return parts.map((t, i) => `${run.lines[i]}: ${t}`)
}

describe('run.lines maps each script line to its source line', () => {
  test('literal block, blank line kept', () => {
    expect(mapped('      - run: |', '          echo one', '', '          echo three')).toEqual([
      '7: echo one',
      '8: ',
      '9: echo three',
      '9: '
    ])
  })

  test('literal block with an indentation indicator and strip chomping', () => {
    expect(mapped('      - run: |2-', '            two', '           one')).toEqual([
      '7:   two',
      '8:  one'
    ])
  })

  test('literal block whose header has a comment', () => {
    expect(mapped('      - run: | # the script', '          a', '          b')).toEqual([
      '7: a',
      '8: b',
      '8: '
    ])
  })

  test('folded block: joined lines map to the first, more-indented lines keep theirs', () => {
    expect(
      mapped(
        '      - run: >', // 6
        '          echo a', // 7
        '          echo b', // 8
        '', // 9
        '          echo c', // 10
        '            indented', // 11
        '          echo d' // 12
      )
    ).toEqual(['7: echo a echo b', '10: echo c', '11:   indented', '12: echo d', '12: '])
  })

  test('folded block with repeated text does not map a line to an earlier copy', () => {
    expect(mapped('      - run: >-', '          x', '          x', '', '          x')).toEqual([
      '7: x x',
      '10: x'
    ])
  })

  test('plain multi-line scalar folds into one line on the first source line', () => {
    expect(
      mapped('      - run: echo plain', '          continued here', '          and here')
    ).toEqual(['6: echo plain continued here and here'])
  })

  test('double-quoted string with \\n: both lines on the same source line', () => {
    expect(mapped('      - run: "first\\nsecond"')).toEqual(['6: first', '6: second'])
  })

  test('single-quoted string over two lines', () => {
    expect(mapped("      - run: 'single", "          quoted'")).toEqual(['6: single quoted'])
  })

  test('CRLF line endings: same lines, no \\r in the script', () => {
    const text = yaml(
      'on: push',
      'jobs:',
      '  j:',
      '    runs-on: x',
      '    steps:',
      '      - run: |',
      '          a',
      '          b'
    ).replace(/\n/g, '\r\n')
    const r = parse(text)
    expect(r.findings).toEqual([])
    const run = r.workflow!.jobs[0].steps[0].run!
    expect(run.text).toBe('a\nb\n')
    expect(run.lines).toEqual([7, 8, 8])
    expect(r.lines[6]).toBe('          a')
  })
})
