/**
 * SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`): one run, the rules with
 * their descriptions and help, results with full regions and stable partial fingerprints, and the
 * scan's errors and skipped files as tool notifications.
 */
import { createHash } from 'node:crypto'
import type { Finding, RuleInfo, ScanResult, Severity } from '../types.js'
import { sortFindings } from './order.js'

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'
export const TOOL_NAME = 'prevent-similar-bugs'

export interface SarifOptions {
  /** The tool's version, shown by code scanning. */
  toolVersion?: string
  /** Where the tool is documented. */
  informationUri?: string
  /** `runAutomationDetails.id` ("category/"), to tell several uploads apart. */
  category?: string
}

type Level = 'error' | 'warning' | 'note'
const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', notice: 'note' }
const PROBLEM_SEVERITY: Record<Severity, string> = {
  error: 'error',
  warning: 'warning',
  notice: 'recommendation'
}

// A loose shape: the test validates the output against the SARIF 2.1.0 JSON schema.
export type SarifLog = {
  $schema: string
  version: '2.1.0'
  runs: Record<string, unknown>[]
}

/** Rule help without the placeholders the engine fills per finding (`{auth.label}` -> `‹auth.label›`). */
function templateText(text: string): string {
  return text.replace(/\{([\w.-]+)\}/g, '‹$1›')
}

/** The fingerprint the engine gave, else one from what identifies the problem (not its line). */
export function findingFingerprint(f: Finding): string {
  if (f.fingerprint) return f.fingerprint
  return createHash('sha256')
    .update([f.ruleId, f.file, f.job ?? '', f.step ?? '', f.message].join('\0'))
    .digest('hex')
    .slice(0, 32)
}

function ruleDescriptor(rule: RuleInfo): Record<string, unknown> {
  const help = templateText(rule.recommendation || rule.title)
  const url = rule.references.find((r) => /^https?:\/\//.test(r))
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.title.slice(0, 1024) },
    fullDescription: { text: rule.title },
    ...(url ? { helpUri: url } : {}),
    help: { text: help, markdown: help },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: rule.tags.slice(0, 10),
      precision: 'high',
      'problem.severity': PROBLEM_SEVERITY[rule.severity]
    }
  }
}

/** A rule that only shows up in findings (parse errors, expired suppressions): described from them. */
function ruleFromFinding(f: Finding): RuleInfo {
  return {
    id: f.ruleId,
    title: f.title ?? f.ruleId,
    severity: f.severity,
    recommendation: f.title ?? f.ruleId,
    references: [],
    tags: [],
    source: 'built-in'
  }
}

function region(r: { line: number; column: number; endLine: number; endColumn: number }) {
  const startLine = Math.max(1, r.line)
  const startColumn = Math.max(1, r.column)
  const endLine = Math.max(startLine, r.endLine)
  let endColumn = Math.max(1, r.endColumn)
  if (endLine === startLine && endColumn < startColumn) endColumn = startColumn
  return { startLine, startColumn, endLine, endColumn }
}

function location(file: string, r: Parameters<typeof region>[0]) {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(file), uriBaseId: '%SRCROOT%' },
      region: region(r)
    }
  }
}

export function buildSarif(result: ScanResult, opts: SarifOptions = {}): SarifLog {
  const rules: RuleInfo[] = [...result.rules]
  const index = new Map(rules.map((r, i) => [r.id, i]))
  const findings = sortFindings(result.findings)
  for (const f of findings) {
    if (!index.has(f.ruleId)) {
      index.set(f.ruleId, rules.length)
      rules.push(ruleFromFinding(f))
    }
  }
  const results = findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [location(f.file, f)],
    ...(f.related?.length
      ? {
          relatedLocations: f.related.map((r, i) => ({
            id: i + 1,
            ...location(r.file, r),
            message: { text: r.label }
          }))
        }
      : {}),
    partialFingerprints: { primaryLocationLineHash: findingFingerprint(f) },
    properties: {
      ...(f.job ? { job: f.job } : {}),
      ...(f.step ? { step: f.step } : {}),
      ...(f.expires ? { expires: f.expires } : {})
    }
  }))
  const notifications = [
    ...result.errors.map((e) => ({ level: 'error', message: { text: e } })),
    ...result.files
      .filter((s) => s.status !== 'scanned')
      .map((s) => ({
        level: s.status === 'parse-error' ? 'error' : 'note',
        message: { text: `${s.path}: ${s.status}${s.reason ? `: ${s.reason}` : ''}` },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: encodeURI(s.path), uriBaseId: '%SRCROOT%' }
            }
          }
        ]
      }))
  ]
  const run: Record<string, unknown> = {
    tool: {
      driver: {
        name: TOOL_NAME,
        ...(opts.toolVersion
          ? { version: opts.toolVersion, semanticVersion: opts.toolVersion }
          : {}),
        ...(opts.informationUri ? { informationUri: opts.informationUri } : {}),
        rules: rules.map(ruleDescriptor)
      }
    },
    ...(opts.category
      ? { automationDetails: { id: `${opts.category.replace(/\/?$/, '/')}` } }
      : {}),
    invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
    results,
    columnKind: 'utf16CodeUnits'
  }
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] }
}

/** The SARIF log as the text of a `.sarif` file. */
export function renderSarif(result: ScanResult, opts: SarifOptions = {}): string {
  return `${JSON.stringify(buildSarif(result, opts), null, 2)}\n`
}
