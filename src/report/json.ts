/** The versioned JSON shape for tools (`--format json`). Version 1: fields are only ever added. */
import type { ScanResult } from '../types.js'

export const JSON_VERSION = 1

export function renderJson(result: ScanResult): string {
  const doc = {
    version: JSON_VERSION,
    findings: result.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      file: f.file,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      message: f.message,
      recommendation: f.recommendation,
      job: f.job ?? null,
      step: f.step ?? null,
      related: f.related ?? [],
      expires: f.expires ?? null,
      fingerprint: f.fingerprint ?? null
    })),
    files: result.files.map((f) => ({
      path: f.path,
      status: f.status,
      ...(f.reason ? { reason: f.reason } : {})
    })),
    errors: result.errors
  }
  return `${JSON.stringify(doc, null, 2)}\n`
}
