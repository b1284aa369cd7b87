import { describe, expect, test } from '@jest/globals'
import { UserError } from '../../src/engine/api.js'
import { defaultConfig, loadConfig } from '../../src/config/config.js'
import { loadRuleSet } from '../../src/rules/load.js'
import { tempTree } from '../engine/helpers.js'

const GOOD = `id: good
title: Good
severity: warning
message: 'found {s.label}'
recommendation: fix it
match:
  steps:
    - as: s
      where: { run: deploy }
`

function loadError(files: Record<string, string>, extraDir?: Record<string, string>): UserError {
  const dir = tempTree(files)
  const dirs = [dir]
  if (extraDir) dirs.push(tempTree(extraDir))
  try {
    loadRuleSet({ dirs, config: defaultConfig(), root: dir })
  } catch (e) {
    expect(e).toBeInstanceOf(UserError)
    return e as UserError
  }
  throw new Error('no error')
}

/** The error's file (base name), line and message. */
function where(e: UserError): string {
  return `${e.file?.split('/').pop()}:${e.line} ${e.message.replace(/^.*?:\d+: /, '')}`
}

describe('broken rule files name the file, line and field', () => {
  test('a file named `catalog` where the catalog folder goes', () => {
    const e = loadError({ 'good.yml': GOOD, catalog: 'not a folder' })
    expect(e.file?.endsWith('/catalog')).toBe(true)
    expect(e.message).toMatch(/expected a folder of catalog files here, found a file$/)
  })

  test('not YAML', () => {
    expect(
      where(loadError({ 'good.yml': GOOD.replace('severity: warning', 'severity: [warning') }))
    ).toMatch(/^good\.yml:\d+ not valid YAML: /)
  })
  test('unknown key (at the key)', () => {
    expect(
      where(
        loadError({
          'good.yml': GOOD.replace(
            '      where: { run: deploy }',
            '      where: { run: deploy, usess: x }'
          )
        })
      )
    ).toBe('good.yml:9 match.steps[0].where.usess: unknown key `usess` (in a rule file)')
  })
  test('wrong value', () => {
    expect(
      where(loadError({ 'good.yml': GOOD.replace('severity: warning', 'severity: fatal') }))
    ).toBe('good.yml:3 severity: expected error, warning or notice (in a rule file)')
    expect(
      where(
        loadError({
          'good.yml': GOOD.replace('where: { run: deploy }', 'where: { with: { x: [1] } }')
        })
      )
    ).toBe(
      'good.yml:9 match.steps[0].where.with.x: expected true (present), false (absent), a string to equal, or {equals, pattern, present, number, expression} (in a rule file)'
    )
  })
  test('missing field', () => {
    expect(where(loadError({ 'good.yml': GOOD.replace('title: Good\n', '') }))).toBe(
      'good.yml:1 `title` is required (in a rule file)'
    )
  })
  test('a pattern RE2 rejects (backreference, lookahead)', () => {
    expect(
      where(loadError({ 'good.yml': GOOD.replace('{ run: deploy }', "{ run: '(a)\\1' }") }))
    ).toMatch(
      /^good\.yml:9 match\.steps\[0\]\.where\.run: invalid regular expression `\(a\)\\1` \(RE2 syntax: no backreferences or lookaround\): /
    )
    expect(
      where(loadError({ 'good.yml': GOOD.replace('{ run: deploy }', "{ run: 'x(?=y)' }") }))
    ).toMatch(/^good\.yml:9 .*invalid regular expression/)
    // a case-insensitive pattern is checked at load too, and named as written
    expect(
      where(
        loadError({ 'good.yml': GOOD.replace('{ run: deploy }', "{ run: '(?i)deploy (now' }") })
      )
    ).toBe(
      'good.yml:9 match.steps[0].where.run: invalid regular expression `(?i)deploy (now` (RE2 syntax: no backreferences or lookaround): error parsing regexp: missing closing ): `(?i)deploy (now`'
    )
  })
  test('unknown placeholder, unknown alias, lifetime without lifetime-of', () => {
    expect(where(loadError({ 'good.yml': GOOD.replace('{s.label}', '{s.lable}') }))).toBe(
      'good.yml:4 message: unknown placeholder {s.lable}: `lable` is not a field of an alias'
    )
    expect(where(loadError({ 'good.yml': GOOD.replace('fix it', 'fix {estimate}') }))).toBe(
      'good.yml:5 recommendation: unknown placeholder {estimate}: {estimate} needs a `time` condition'
    )
    expect(
      where(
        loadError({
          'good.yml': GOOD.replace('{ run: deploy }', '{ run: deploy, same-step-as: t }')
        })
      )
    ).toBe(
      "good.yml:9 match.steps[0].where.same-step-as: `t` is not an alias bound here (an alias's predicate may name only the aliases after it)"
    )
    const timeRule =
      GOOD + '  conditions:\n    - time: { from: s, to: s, estimated: { gt: lifetime } }\n'
    expect(where(loadError({ 'good.yml': timeRule }))).toBe(
      'good.yml:11 match.conditions[0].time: a comparison with `lifetime` needs `lifetime-of: <alias>`'
    )
  })
  test('duplicate rule ids across folders; id and file name; level above the rule severity', () => {
    expect(where(loadError({ 'good.yml': GOOD }, { 'good.yml': GOOD }))).toMatch(
      /^good\.yml:1 id: duplicate rule id `good` \(also in .*good\.yml\)$/
    )
    expect(where(loadError({ 'other.yml': GOOD }))).toBe(
      'other.yml:1 id: the rule id `good` must match the file name `other`'
    )
    expect(where(loadError({ 'good.yml': GOOD + 'levels:\n  - severity: error\n' }))).toBe(
      "good.yml:11 levels[0].severity: level severity error is above the rule's severity warning (the highest it reports)"
    )
  })
})

describe('broken catalog files', () => {
  test('unknown key, bad duration, and a rule naming a field no entry has', () => {
    const bad =
      'auth:\n  - id: a\n    provider: aws\n    where: { uses: x/y }\n    lifetime: { input: d, defualt: 60 }\n'
    expect(where(loadError({ 'catalog/a.yml': bad }))).toBe(
      'a.yml:5 auth[0].lifetime.defualt: unknown key `defualt` (in a catalog file)'
    )
    const dur =
      'auth:\n  - id: a\n    provider: aws\n    where: { uses: x/y }\n    lifetime: { default: soon }\n'
    expect(where(loadError({ 'catalog/a.yml': dur }))).toMatch(/^a\.yml:5 auth\[0\]\.lifetime/)
    const ok =
      'secret-read:\n  - id: a\n    provider: aws\n    store: SSM\n    where: { run: ssm }\n'
    const rule = GOOD.replace('{ run: deploy }', '{ catalog: { kind: secret-read, stor: SSM } }')
    expect(where(loadError({ 'catalog/a.yml': ok, 'good.yml': rule }))).toBe(
      'good.yml:9 match.steps[0].where.catalog.stor: no secret-read catalog entry has a field `stor` (fields: id, provider, store)'
    )
  })
})

describe('broken config files', () => {
  const cfg = (text: string) => {
    try {
      loadConfig(text, '.github/prevent-similar-bugs.yml')
    } catch (e) {
      return where(e as UserError)
    }
    return 'no error'
  }
  test('unknown key, wrong value, not YAML', () => {
    expect(cfg('disable: [a]\nquick-fix-days: 3\n')).toBe(
      'prevent-similar-bugs.yml:2 quick-fix-days: unknown key `quick-fix-days` (in a config file)'
    )
    expect(cfg('severity:\n  late-secrets-loading: high\n')).toBe(
      'prevent-similar-bugs.yml:2 severity.late-secrets-loading: expected error, warning, notice or off (in a config file)'
    )
    expect(cfg('ignore: [a\n')).toMatch(/^prevent-similar-bugs\.yml:\d+ not valid YAML/)
  })
  test('kebab-case keys map to the Config type; an empty file is the default', () => {
    expect(loadConfig('quick-fix-warning-days: 3\nrules: [ci/rules]\n', 'c.yml')).toMatchObject({
      quickFixWarningDays: 3,
      rules: ['ci/rules'],
      source: 'c.yml'
    })
    expect(loadConfig('', 'c.yml')).toEqual({ ...defaultConfig(), source: 'c.yml' })
  })
  test('an unknown rule id in the config, and a bad catalog entry in it, are reported at their line', () => {
    const dir = tempTree({ 'good.yml': GOOD })
    const run = (text: string) => {
      try {
        loadRuleSet({
          dirs: [dir],
          config: loadConfig(text, '.github/prevent-similar-bugs.yml'),
          root: dir
        })
      } catch (e) {
        return where(e as UserError)
      }
      return 'no error'
    }
    expect(run('disable:\n  - good\n  - goood\n')).toBe(
      'prevent-similar-bugs.yml:3 disable[1]: unknown rule `goood`'
    )
    expect(
      run('catalog:\n  secret-read:\n    - id: x\n      provider: aws\n      where: { runn: x }\n')
    ).toBe(
      'prevent-similar-bugs.yml:5 catalog.secret-read[0].where.runn: unknown key `runn` (in a config file)'
    )
    expect(run('catalog:\n  refresh:\n    - { id: x, where: { run: ok } }\n')).toBe('no error')
  })
})
