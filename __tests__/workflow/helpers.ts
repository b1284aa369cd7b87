/** Small helpers for the parser tests: a workflow from lines, a reader over an in-memory repository. */
import { parseWorkflow, type ParseOptions } from '../../src/workflow/parse.js'
import type { ParseResult } from '../../src/workflow/model.js'

export const WF = '.github/workflows/ci.yml'

/** Joins lines with \n; line i of the array is line i + 1 of the file. */
export function yaml(...lines: string[]): string {
  return lines.join('\n') + '\n'
}

export function parse(
  text: string,
  files: Record<string, string> = {},
  options: ParseOptions = {},
  path = WF
): ParseResult {
  return parseWorkflow({ path, text }, (p) => files[p], options)
}

/** Findings as `line:column message` strings, in order. */
export function problems(r: ParseResult): string[] {
  return r.findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.message}`)
}
