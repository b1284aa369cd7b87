import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import Ajv04 from 'ajv-draft-04'
import addFormats from 'ajv-formats'
import { buildSarif, renderSarif } from '../../src/report/sarif.js'
import type { ScanResult } from '../../src/types.js'
import { finding, twoFindings } from './fixtures.js'

// The OASIS SARIF 2.1.0 (rtm.5) JSON schema, as shipped in the @microsoft/jest-sarif package. Its
// `language` pattern is not valid with the u flag, hence unicodeRegExp: false.
const require = createRequire(import.meta.url)
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json')
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'))
// CommonJS modules seen from ESM: the class and the plugin are on `.default`.
type Validator = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string }[] | null
}
type AjvLike = { compile(schema: unknown): Validator }
const mod = Ajv04 as unknown as { default?: new (o: object) => AjvLike }
const Ajv = mod.default ?? (Ajv04 as unknown as new (o: object) => AjvLike)
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false })
const formats = addFormats as unknown as { default?: (a: AjvLike) => void }
;(formats.default ?? (addFormats as unknown as (a: AjvLike) => void))(ajv)
const validate = ajv.compile(schema)

function valid(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}

describe('SARIF', () => {
  test('is valid SARIF 2.1.0, and the validator does reject a broken log', () => {
    const log = buildSarif(twoFindings(), { toolVersion: '0.1.0', category: 'workflows' })
    expect(valid(log)).toEqual([])
    expect(valid({ ...log, version: '2.0.0' })).not.toEqual([])
    type Run = { results: { locations: { physicalLocation: { region: object } }[] }[] }
    const broken = structuredClone(log) as typeof log
    ;(broken.runs[0] as Run).results[0].locations[0].physicalLocation.region = {
      startLine: 0
    }
    expect(valid(broken)).not.toEqual([])
  })

  test('rules with help, results with full regions, related locations and fingerprints', () => {
    const log = buildSarif(twoFindings(), { toolVersion: '0.1.0' })
    const run = log.runs[0] as Record<string, unknown> & {
      tool: { driver: { rules: Record<string, unknown>[] } }
      results: Record<string, unknown>[]
    }
    expect(run.tool.driver.rules[0]).toEqual({
      id: 'late-secrets-loading',
      name: 'late-secrets-loading',
      shortDescription: { text: 'Secrets read long after authentication' },
      fullDescription: { text: 'Secrets read long after authentication' },
      helpUri: 'https://docs.aws.amazon.com/x',
      help: {
        text: expect.stringContaining(
          'Read the secrets right after ‹auth.label› and pass them on masked.'
        ),
        markdown: expect.stringContaining('```yaml\n- name: Read SSM parameters')
      },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['credentials', 'aws'], precision: 'high', 'problem.severity': 'error' }
    })
    expect(run.results[0]).toEqual({
      ruleId: 'late-secrets-loading',
      ruleIndex: 0,
      level: 'error',
      message: {
        text: '`Read SSM parameters` reads AWS secrets 35 min after `Configure AWS credentials` authenticated'
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: '.github/workflows/deploy.yml', uriBaseId: '%SRCROOT%' },
            region: { startLine: 48, startColumn: 9, endLine: 48, endColumn: 30 }
          }
        }
      ],
      relatedLocations: [
        {
          id: 1,
          physicalLocation: {
            artifactLocation: { uri: '.github/workflows/deploy.yml', uriBaseId: '%SRCROOT%' },
            region: { startLine: 14, startColumn: 9, endLine: 14, endColumn: 20 }
          },
          message: { text: 'Configure AWS credentials' }
        }
      ],
      partialFingerprints: { primaryLocationLineHash: 'fp-late-1' },
      properties: { job: 'deploy', step: 'Read SSM parameters' }
    })
    expect(run.results[1]).toMatchObject({
      ruleId: 'access-key-expiry',
      ruleIndex: 1,
      level: 'warning',
      locations: [
        {
          physicalLocation: { region: { startLine: 21, startColumn: 7, endLine: 23, endColumn: 5 } }
        }
      ]
    })
  })

  test('rules seen only in findings are described; errors and skipped files are notifications', () => {
    const result: ScanResult = {
      findings: [
        finding({
          ruleId: 'parse-error',
          severity: 'error',
          title: 'Not valid YAML',
          fingerprint: undefined,
          job: undefined,
          step: undefined
        })
      ],
      files: [
        { path: '.github/workflows/bad.yml', status: 'parse-error', reason: 'not YAML' },
        { path: '.github/workflows/big.yml', status: 'skipped', reason: 'too large' }
      ],
      errors: ['config: unknown key'],
      rules: []
    }
    const log = buildSarif(result)
    expect(valid(log)).toEqual([])
    const run = log.runs[0] as {
      tool: { driver: { rules: { id: string }[] } }
      results: { partialFingerprints: { primaryLocationLineHash: string } }[]
      invocations: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[]
    }
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['parse-error'])
    // a fingerprint of what the problem is, not where: the same after the line moves
    const moved = buildSarif({
      ...result,
      findings: [{ ...result.findings[0], line: 90, endLine: 90 }]
    })
    const fp = run.results[0].partialFingerprints.primaryLocationLineHash
    expect(fp).toMatch(/^[0-9a-f]{32}$/)
    expect(
      (moved.runs[0] as typeof run).results[0].partialFingerprints.primaryLocationLineHash
    ).toBe(fp)
    expect(
      run.invocations[0].toolExecutionNotifications.map((n) => [n.level, n.message.text])
    ).toEqual([
      ['error', 'config: unknown key'],
      ['error', '.github/workflows/bad.yml: parse-error: not YAML'],
      ['note', '.github/workflows/big.yml: skipped: too large']
    ])
  })

  test('renderSarif gives the JSON text', () => {
    const text = renderSarif(twoFindings())
    expect(JSON.parse(text)).toEqual(buildSarif(twoFindings()))
    expect(text.endsWith('}\n')).toBe(true)
  })
})
