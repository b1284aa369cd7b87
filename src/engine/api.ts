/**
 * The engine's public surface, used by the CLI (src/cli/) and the action (src/main.ts).
 * Implemented in src/engine/ and src/rules/; this file only fixes the shapes.
 */
import type { Finding, RuleInfo, ScanResult, SourceFile } from '../types.js'
import type { FileReader } from '../workflow/model.js'

/** Validated config (`.github/prevent-similar-bugs.yml`), with defaults applied. */
export interface Config {
  /** Rule ids switched off. */
  disable: string[]
  /** Rule ids switched on (rules may be off by default); empty = all. */
  enable: string[]
  /** Per-rule severity overrides; 'off' disables. */
  severity: Record<string, 'error' | 'warning' | 'notice' | 'off'>
  /** minimatch globs of repo-relative paths not to scan. */
  ignore: string[]
  /** Extra rule folders, relative to the repository root. */
  rules: string[]
  /** Extra catalog entries (same shape as a catalog file). */
  catalog?: unknown
  /** Days before a quick fix's date when it becomes a warning. */
  quickFixWarningDays: number
  /** Where the config was read from, for messages ('' when none). */
  source: string
}

/** Rules and catalog after loading and validation: opaque to callers. */
export interface RuleSet {
  rules: RuleInfo[]
  /** Rule folders loaded, for the report ("rules: built-in 7, repository 1"). */
  sources: { dir: string; count: number }[]
}

/** What a scan of a set of files needs. */
export interface ScanInput {
  /** Files to report on (repo-relative paths). */
  files: SourceFile[]
  /** Reads other files of the repository (local composite actions). */
  readFile: FileReader
  ruleSet: RuleSet
  config: Config
  now: Date
}

/** An error a user can fix (bad rule, catalog or config file): exit code 2, no stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    public readonly file?: string,
    public readonly line?: number
  ) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${message}` : message)
    this.name = 'UserError'
  }
}

export type { Finding, ScanResult }
