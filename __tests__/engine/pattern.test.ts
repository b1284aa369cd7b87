import { describe, expect, jest, test } from '@jest/globals'
import fc from 'fast-check'
import { RE2JS } from 're2js'
import { compilePattern } from '../../src/engine/pattern.js'

// The literal prefilter in front of RE2 must never change a result.
const PATTERNS = [
  '\\baws\\s+ssm\\s+get-parameters?(-by-path)?\\b',
  '(?i)\\bdocker\\s+(build|buildx\\s+(build|bake))\\b',
  '(?i)(\\bnpm\\s+(ci|install)|yarn(\\s+install)?\\b)',
  'steps\\.[A-Za-z0-9_-]+\\.outputs\\.(auth_token|access_token)',
  '(pkg\\.dev|gcr\\.io)',
  '\\b(while|until)\\b[\\s\\S]*\\bsleep\\b',
  '(?i)Secret(s)?Manager'
]
const WORDS = [
  'aws',
  'AWS',
  'ssm',
  'get-parameter',
  'get-parameters',
  ' ',
  '\n',
  'docker',
  'DOCKER',
  'build',
  'buildx',
  'bake',
  'npm',
  'ci',
  'yarn',
  'install',
  'steps.',
  'auth',
  '.outputs.',
  'auth_token',
  'pkg.dev',
  'gcr.io',
  'while',
  'sleep',
  'secretsmanager',
  'SECRETMANAGER',
  'x',
  '-',
  '_'
]

describe('compilePattern', () => {
  test('gives the same answer as RE2 on texts made of the patterns’ own words', () => {
    const text = fc.array(fc.constantFrom(...WORDS), { maxLength: 12 }).map((w) => w.join(''))
    for (const source of PATTERNS) {
      const ours = compilePattern(source)
      const re2 = RE2JS.compile(source)
      fc.assert(
        fc.property(text, (t) => ours.test(t) === re2.test(t)),
        { numRuns: 300, seed: 42 }
      )
    }
  })
  test('(?i) works and matching is on the first 1 MiB only', () => {
    expect(compilePattern('(?i)aws\\s+SSM').test('x AWS  ssm y')).toBe(true)
    const p = compilePattern('needle')
    expect(p.test('x'.repeat(1024 * 1024 - 6) + 'needle')).toBe(true)
    expect(p.test('x'.repeat(1024 * 1024) + 'needle')).toBe(false)
  })
  test('a (?i) pattern is compiled once at load, as written only when a text passes its literals', () => {
    const compile = jest.spyOn(RE2JS, 'compile')
    try {
      const p = compilePattern('(?i)unlikely-word\\s+here')
      expect(compile.mock.calls.map((c) => c[0])).toEqual(['unlikely-word\\s+here'])
      expect(p.test('nothing like it')).toBe(false)
      expect(compile).toHaveBeenCalledTimes(1)
      expect(p.test('an UNLIKELY-WORD  Here')).toBe(true)
      expect(p.test('unlikely-wordhere')).toBe(false)
      expect(compile.mock.calls.map((c) => c[0])).toEqual([
        'unlikely-word\\s+here',
        '(?i)unlikely-word\\s+here'
      ])
      // the same pattern again (another rule or catalog entry): no new compile
      expect(compilePattern('(?i)unlikely-word\\s+here').test('UNLIKELY-word here')).toBe(true)
      expect(compile).toHaveBeenCalledTimes(2)
    } finally {
      compile.mockRestore()
    }
  })
  test('a pattern RE2 cannot compile is an error that says why', () => {
    expect(() => compilePattern('(?<=a)b')).toThrow(
      /invalid regular expression `\(\?<=a\)b` \(RE2 syntax/
    )
    // a case-insensitive one: at compile time (not when first matched), named as written
    expect(() => compilePattern('(?i)a**')).toThrow(
      'invalid regular expression `(?i)a**` (RE2 syntax: no backreferences or lookaround): error parsing regexp: invalid nested repetition operator: `**`'
    )
  })
})
