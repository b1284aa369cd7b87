import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { Composer, Parser } from 'yaml'
import { composeFast, fromDocument, parseTokens, type YNode } from '../../src/workflow/yaml-tree.js'

/** What each path makes of a text: the fast path's tree (or undefined), and yaml's own. */
function both(text: string): {
  fast: YNode | undefined
  general: YNode | null
  errors: number
  documents: number
} {
  const tokens = [...new Parser().parse(text)]
  const fast = composeFast(tokens, 64)
  const docs = [
    ...new Composer({ uniqueKeys: false, prettyErrors: false, strict: true }).compose(tokens)
  ]
  return {
    fast,
    general: docs.length > 0 ? fromDocument(docs[0].contents) : null,
    errors: docs.reduce((n, d) => n + d.errors.length, 0),
    documents: docs.length
  }
}

/** The property both paths must keep: the fast one reads a text only as yaml reads it, error-free. */
function agrees(text: string): boolean {
  const r = both(text)
  if (r.fast === undefined) return true
  return r.errors === 0 && r.documents === 1 && expect(r.fast).toEqual(r.general) === undefined
}

const WORKFLOW = `# a workflow
name: ci
on:
  push:
    branches: [main, 'release/*', "v1"]
  workflow_dispatch: {}
env: { A: 1, B: "two" }
permissions:
  id-token: write
jobs:
  build: &job
    runs-on: ubuntu-latest
    timeout-minutes: 30
    continue-on-error: false
    steps:
      - uses: actions/checkout@v4   # comment
      - name: run
        run: |
          echo one
          echo two
        env:
          X: ~
          Y:
      - name: folded
        run: >-
          make
          all
      - &step
        name: "quoted: value"
        with:
          k: 'single ''quoted'''
          n: 0x1F
          f: 1.50
          o: 0o17
          inf: -.inf
      - *step
      -
  test: *job
`

describe('the fast YAML path', () => {
  test('reads a workflow with every common shape into the same tree as yaml', () => {
    const r = both(WORKFLOW)
    expect(r.fast).toBeDefined()
    expect(r.errors).toBe(0)
    expect(r.fast).toEqual(r.general)
  })

  test('keeps values, styles, anchors, aliases and ranges', () => {
    const r = both('a: &x 1\nb: *x\nc: |\n  t\nd: [x, "y"]\n')
    expect(r.fast).toEqual({
      kind: 'map',
      anchor: undefined,
      range: [0, 35, 35],
      items: [
        {
          key: { kind: 'scalar', value: 'a', style: 'PLAIN', range: [0, 1, 1], anchor: undefined },
          value: { kind: 'scalar', value: 1, style: 'PLAIN', range: [6, 7, 8], anchor: 'x' }
        },
        {
          key: { kind: 'scalar', value: 'b', style: 'PLAIN', range: [8, 9, 9], anchor: undefined },
          value: { kind: 'alias', source: 'x', range: [11, 13, 14], anchor: undefined }
        },
        {
          key: {
            kind: 'scalar',
            value: 'c',
            style: 'PLAIN',
            range: [14, 15, 15],
            anchor: undefined
          },
          value: {
            kind: 'scalar',
            value: 't\n',
            style: 'BLOCK_LITERAL',
            range: [17, 23, 23],
            anchor: undefined
          }
        },
        {
          key: {
            kind: 'scalar',
            value: 'd',
            style: 'PLAIN',
            range: [23, 24, 24],
            anchor: undefined
          },
          value: {
            kind: 'seq',
            anchor: undefined,
            range: [26, 34, 35],
            items: [
              {
                kind: 'scalar',
                value: 'x',
                style: 'PLAIN',
                range: [27, 28, 28],
                anchor: undefined
              },
              {
                kind: 'scalar',
                value: 'y',
                style: 'QUOTE_DOUBLE',
                range: [30, 33, 33],
                anchor: undefined
              }
            ]
          }
        }
      ]
    })
    expect(r.fast).toEqual(r.general)
  })

  // Each of these is left to yaml's composer: outside the subset, or an error yaml reports.
  test.each([
    ['a tag', 'a: !!str 1\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['an explicit key', '? a\n: 1\n'],
    ['a tab as indentation', 'a:\n\tb: 1\n'],
    ['a key without a value', 'a: 1\nb\n'],
    ['a multi-line implicit key', 'a: 1\n"b\n c": 2\n'],
    ['an anchor on a key', '&k a: 1\n'],
    ['a comment without a space before it', 'a: "x"# c\n'],
    ['an unclosed quote', 'a: "x\n'],
    ['an unclosed flow list', 'a: [x, y\nb: 1\n'],
    ['a missing comma', 'a: {x: 1 y: 2}\n'],
    ['an alias with an anchor', 'a: &x 1\nb: &y *x\n'],
    ['an empty document', '# only a comment\n'],
    ['a plain scalar starting with @', 'a: @x\n'],
    ['nesting deeper than the limit', `${'- '.repeat(70)}x\n`],
    ['a block list right after an anchor', 'a: &x - 1\n'],
    ['a key over 1,024 characters', `${'k'.repeat(1100)}: 1\n`],
    ['a block mapping on the line of its key', 'a: b: c\n'],
    ['a block collection inside a flow one', 'a: [b,\n- c]\n'],
    ['a comma before the first item', 'a: [, b]\n'],
    ['an empty item between commas', 'a: [b, , c]\n'],
    ['a comma first in a flow mapping', 'a: {, b: 1}\n'],
    ['an empty anchor', 'a: & x\n'],
    ['an anchor ending in a colon', 'a: &b: x\n'],
    ['an empty alias', 'a: *\n'],
    ['an alias ending in a colon', 'a: *b:\n']
  ])('%s goes to yaml', (_name, text) => {
    expect(both(text).fast).toBeUndefined()
  })

  test('a document marker, comments everywhere and a byte-order mark are read', () => {
    const text = '\uFEFF# top\n--- # start\na: # before\n  # between\n  b: 1 # after\n# end\n'
    const r = both(text)
    expect(r.fast).toBeDefined()
    expect(r.fast).toEqual(r.general)
  })

  test('one-line scalars of every style resolve as yaml resolves them', () => {
    const values = [
      "'it''s'",
      "''",
      '""',
      '"say \\"hi\\""',
      '"tab\\there"',
      "'a \\ b'",
      '"a # b"',
      "'#'",
      'a#b',
      'x: y',
      '-1',
      '+.5',
      '0o17',
      '0x1F',
      '1e3',
      '.NaN',
      'Null',
      '~',
      'FALSE',
      'on',
      'y',
      '${{ secrets.X }}',
      "'${{ a }}'",
      '"\\u00e9"',
      'a  b',
      "'unclosed",
      '"unclosed'
    ]
    for (const v of values) {
      for (const text of [`k: ${v}\n`, `- ${v}\n`, `k: [${v}]\n`, `k: ${v} # c\n`]) {
        expect(agrees(text)).toBe(true)
      }
    }
    // the plain, quoted and escaped ones are all read by the fast path
    expect(both("k: 'it''s'\n").fast).toMatchObject({ items: [{ value: { value: "it's" } }] })
    expect(both('k: "say \\"hi\\""\n').fast).toMatchObject({
      items: [{ value: { value: 'say "hi"', style: 'QUOTE_DOUBLE' } }]
    })
  })

  test('an empty value takes the position yaml gives it', () => {
    for (const text of ['a:\nb: 1\n', 'a: # c\nb: 1\n', '- \n- x\n', 'a:\n  -\n  - # c\n']) {
      const r = both(text)
      expect(r.fast).toBeDefined()
      expect(r.fast).toEqual(r.general)
    }
  })

  // Random edits of a real-looking workflow with the characters that matter to YAML: wherever the
  // fast path reads the result, yaml reads it without an error into the same tree.
  test('mutated workflows: the fast path reads a text only as yaml does', () => {
    const pieces = [
      ': ',
      '- ',
      '#',
      ' #',
      '&a ',
      '*a',
      '*job',
      '!!str ',
      '\t',
      '"',
      "'",
      '[',
      ']',
      '{',
      '}',
      ', ',
      '|',
      '>',
      '|-',
      '\n',
      '\r\n',
      ' ',
      '  ',
      '---\n',
      '...\n',
      '? ',
      '%YAML 1.2\n',
      '~',
      'true',
      '0x',
      '1e3',
      '.5',
      '@',
      '`',
      '\\',
      'é',
      '\u0000',
      ':'
    ]
    const edit = fc.tuple(fc.nat(), fc.nat(6), fc.constantFrom(...pieces))
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 6 }), (edits) => {
        let text = WORKFLOW
        for (const [at, del, piece] of edits) {
          const i = at % (text.length + 1)
          text = text.slice(0, i) + piece + text.slice(i + del)
        }
        return agrees(text)
      }),
      { numRuns: 600 }
    )
  })

  test('random short documents: the fast path reads a text only as yaml does', () => {
    const atom = fc.constantFrom(
      'a',
      'b',
      '1',
      'x y',
      ': ',
      '- ',
      '\n',
      '  ',
      '#c',
      '&a ',
      '*a',
      '[',
      ']',
      '{',
      '}',
      ', ',
      '"q"',
      "'s'",
      '|\n',
      '>\n',
      '? ',
      '!t ',
      '\t',
      'null',
      '---\n'
    )
    fc.assert(
      fc.property(fc.array(atom, { maxLength: 30 }), (parts) => agrees(parts.join(''))),
      { numRuns: 1500 }
    )
  })
})

describe('parseTokens', () => {
  test("gives the tokens of yaml's parser, and puts process.env back, also when the parse throws", () => {
    const env = process.env
    process.env.PSB_TEST_MARK = 'kept'
    const lines: number[] = []
    const tokens = parseTokens('a: 1\nb: [x]\n', (offset) => lines.push(offset))
    expect(tokens).toEqual([...new Parser().parse('a: 1\nb: [x]\n')])
    expect(lines).toEqual([0, 5, 12])
    expect(process.env).toBe(env)
    expect(() =>
      parseTokens('a: 1\nb: 2\n', (offset) => {
        if (offset > 0) throw new Error('stop')
      })
    ).toThrow('stop')
    expect(process.env).toBe(env)
    expect(process.env.PSB_TEST_MARK).toBe('kept')
    delete process.env.PSB_TEST_MARK
  })
})
