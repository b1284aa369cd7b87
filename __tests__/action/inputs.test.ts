import { describe, expect, test } from '@jest/globals'
import { DEFAULT_CONFIG, DEFAULT_PATHS, envInput, readInputs } from '../../src/inputs.js'
import { fails } from '../../src/report/order.js'

const get = (values: Record<string, string>) => (name: string) => values[name] ?? ''

describe('inputs', () => {
  test('defaults', () => {
    const i = readInputs(get({ 'github-token': 't', now: '2026-02-01' }))
    expect(i).toEqual({
      token: 't',
      paths: DEFAULT_PATHS,
      config: DEFAULT_CONFIG,
      rules: [],
      scope: undefined,
      failOn: 'error',
      comment: 'update',
      annotations: true,
      sarifFile: '',
      now: new Date('2026-02-01T00:00:00Z')
    })
  })

  test('lists, paths and enums', () => {
    const i = readInputs(
      get({
        'github-token': 't',
        paths: '.github/workflows/*.yml\n# comment\n\n!.github/workflows/skip.yml',
        rules: './ci/rules/, more-rules',
        scope: 'all',
        'fail-on': 'warning',
        comment: 'off',
        annotations: 'false',
        'sarif-file': 'out/r.sarif',
        now: '2026-02-01T12:30:00Z'
      })
    )
    expect(i).toMatchObject({
      paths: ['.github/workflows/*.yml', '!.github/workflows/skip.yml'],
      rules: ['ci/rules', 'more-rules'],
      scope: 'all',
      failOn: 'warning',
      comment: 'off',
      annotations: false,
      sarifFile: 'out/r.sarif',
      now: new Date('2026-02-01T12:30:00Z')
    })
  })

  test.each([
    [
      { 'fail-on': 'sometimes' },
      'input `fail-on` must be one of error, warning, notice, never; got "sometimes"'
    ],
    [{ scope: 'some' }, 'input `scope` must be one of changed, all; got "some"'],
    [{ comment: 'create' }, 'input `comment` must be one of update, off; got "create"'],
    [{ annotations: 'yes' }, 'input `annotations` must be true or false; got "yes"'],
    [
      { now: 'tomorrow' },
      'input `now` must be a date (YYYY-MM-DD or an ISO 8601 time); got "tomorrow"'
    ],
    [
      { now: '2026-13-45' },
      'input `now` must be a date (YYYY-MM-DD or an ISO 8601 time); got "2026-13-45"'
    ],
    [
      { config: '../outside.yml' },
      'input `config`: "../outside.yml" must be a path inside the repository'
    ],
    [{ rules: '/etc' }, 'input `rules`: "/etc" must be a path inside the repository'],
    [
      { 'sarif-file': 'a/../../x.sarif' },
      'input `sarif-file`: "a/../../x.sarif" must be a path inside the repository'
    ],
    [
      { 'github-token': '' },
      'input `github-token` is empty; give it `${{ github.token }}` (the default) or a token'
    ]
  ])('%j fails naming the input', (values, message) => {
    expect(() => readInputs(get({ 'github-token': 't', ...values }))).toThrow(message)
  })

  test('read from INPUT_ variables as the runner sets them', () => {
    expect(envInput({ 'INPUT_FAIL-ON': 'never', INPUT_PATHS: 'x' })('fail-on')).toBe('never')
  })

  test('fail-on', () => {
    const counts = { error: 0, warning: 1, notice: 2 }
    expect([
      fails(counts, 'error'),
      fails(counts, 'warning'),
      fails(counts, 'notice'),
      fails(counts, 'never')
    ]).toEqual([false, true, true, false])
  })
})
