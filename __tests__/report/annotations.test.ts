import { describe, expect, test } from '@jest/globals'
import { annotationLine, renderAnnotations } from '../../src/report/annotations.js'
import type { ScanResult, Severity } from '../../src/types.js'
import { finding, twoFindings } from './fixtures.js'

describe('annotations', () => {
  test('one workflow command per finding, the most severe first, columns only on one line', () => {
    const a = renderAnnotations(twoFindings())
    expect(a.lines).toEqual([
      '::error file=.github/workflows/deploy.yml,line=48,endLine=48,col=9,endColumn=30,title=late-secrets-loading::`Read SSM parameters` reads AWS secrets 35 min after `Configure AWS credentials` authenticated (deploy / Read SSM parameters)',
      '::warning file=.github/workflows/legacy.yml,line=21,endLine=23,title=access-key-expiry::Long-lived keys in `Configure AWS credentials` (publish / Configure AWS credentials)'
    ])
    expect(a).toMatchObject({ shown: 2, notShown: 0 })
  })

  test('text from the pull request cannot inject a workflow command', () => {
    const line = annotationLine(
      finding({
        file: '.github/workflows/a,b:c.yml',
        message: 'x\n::error::injected\r\n100%',
        step: 'evil\n::warning file=x::y',
        job: 'j'
      })
    )
    expect(line).toBe(
      '::error file=.github/workflows/a%2Cb%3Ac.yml,line=48,endLine=48,col=9,endColumn=30,title=late-secrets-loading::x%0A::error::injected%0D%0A100%25 (j / evil%0A::warning file=x::y)'
    )
    expect(line.split('\n')).toHaveLength(1)
  })

  test("GitHub's limits: 10 per level, errors first, the rest counted", () => {
    const findings = (['notice', 'warning', 'error'] as Severity[]).flatMap((severity) =>
      Array.from({ length: 12 }, (_, i) => finding({ severity, line: i + 1, endLine: i + 1 }))
    )
    const result: ScanResult = { findings, files: [], errors: [], rules: [] }
    const a = renderAnnotations(result)
    expect(a.lines.map((l) => l.slice(0, l.indexOf(' ')))).toEqual([
      ...Array(10).fill('::error'),
      ...Array(10).fill('::warning'),
      ...Array(10).fill('::notice')
    ])
    expect(a.lines[0]).toContain('line=1,')
    expect(a.lines[9]).toContain('line=10,')
    expect(a).toMatchObject({ shown: 30, notShown: 6 })
  })

  test('one error slot kept for the failure message, and a total cap', () => {
    const findings = Array.from({ length: 12 }, (_, i) => finding({ line: i + 1, endLine: i + 1 }))
    const result: ScanResult = { findings, files: [], errors: [], rules: [] }
    expect(renderAnnotations(result, { reserveErrorSlot: true })).toMatchObject({
      shown: 9,
      notShown: 3
    })
    expect(renderAnnotations(result, { total: 4 })).toMatchObject({ shown: 4, notShown: 8 })
  })

  test('a very long message is cut near 4 KB', () => {
    const line = annotationLine(
      finding({ message: 'm'.repeat(10_000), job: undefined, step: undefined })
    )
    const message = line.slice(line.indexOf('::', 2) + 2)
    expect(message).toBe(`${'m'.repeat(3999)}…`)
  })
})
