/**
 * Types shared by every stage of the pipeline: collect -> workflow (parse) -> engine (analyse) -> report.
 * Lines and columns are 1-based; `endColumn` is exclusive (the column just after the last character).
 */

export type Severity = 'error' | 'warning' | 'notice'

export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, notice: 1 }

/** A span of source text. */
export interface Range {
  line: number
  column: number
  endLine: number
  endColumn: number
}

/** A range inside a named file (a step of an expanded composite lives in another file). */
export interface FileRange extends Range {
  file: string
}

/** A file handed to the parser: a path relative to the repository root (posix separators), and its text. */
export interface SourceFile {
  path: string
  text: string
}

/** Another step named by a finding ("authenticated at line 14"). */
export interface RelatedLocation extends FileRange {
  label: string
}

export interface Finding {
  ruleId: string
  severity: Severity
  file: string
  line: number
  column: number
  endLine: number
  endColumn: number
  /** One line, filled from the match. */
  message: string
  /** Markdown: why it matters and how to prevent it, filled from the match. */
  recommendation: string
  /** Rule title, for reports that show one. */
  title?: string
  job?: string
  step?: string
  related?: RelatedLocation[]
  /** Set for findings about a quick fix or suppression with a date (YYYY-MM-DD). */
  expires?: string
  /** Stable across runs for the same problem at the same place: see engine/fingerprint. */
  fingerprint?: string
}

export type FileStatusKind = 'scanned' | 'skipped' | 'parse-error'

export interface FileStatus {
  path: string
  status: FileStatusKind
  /** Why a file was skipped or failed to parse. */
  reason?: string
}

/** Metadata of a loaded rule that reports need (SARIF rules, the comment's explanations, counts). */
export interface RuleInfo {
  id: string
  title: string
  severity: Severity
  recommendation: string
  references: string[]
  tags: string[]
  /** 'built-in' or the folder the rule came from. */
  source: string
}

export interface ScanResult {
  findings: Finding[]
  files: FileStatus[]
  /** Problems that are not findings about a file (a config warning, an unreadable path). */
  errors: string[]
  rules: RuleInfo[]
}
