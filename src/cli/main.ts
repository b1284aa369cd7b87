/**
 * The command-line tool: wires collect -> scan -> report. `runCli` takes its I/O as arguments so the
 * tests run it in-process; src/cli/index.ts connects it to the process.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { applyIgnore, collect } from '../collect/fs.js'
import { defaultConfig, loadConfig } from '../config/config.js'
import { UserError, type Config, type RuleSet } from '../engine/api.js'
import { scan } from '../engine/scan.js'
import { builtinRulesDir } from '../paths.js'
import { renderJson } from '../report/json.js'
import { countBySeverity, fails, sortFindings } from '../report/order.js'
import { renderText, terminalSafe } from '../report/text.js'
import { renderRuleDocs } from '../rules/docs.js'
import { loadRuleSet } from '../rules/load.js'
import { formatRuleTestReport, runRuleTests } from '../rules/test-rules.js'
import type { FileStatus, Finding, ScanResult } from '../types.js'
import { renderAnnotationsForCli, renderSarifForCli } from './formats.js'
import { VERSION } from './version.js'

export interface CliIo {
  cwd: string
  stdout: (s: string) => void
  stderr: (s: string) => void
  isTTY: boolean
  env: Record<string, string | undefined>
}

const USAGE = `Usage: prevent-similar-bugs <command> [options]

Commands:
  scan [paths...]        check workflows (default: the current directory)
  test-rules [dirs...]   run the examples of rule folders (default: the built-in rules)
  docs [--out DIR] [--check]
                         write docs/rules/<id>.md from the rule files, or check they are current

scan options:
  --format text|json|sarif|github   output format (default text)
  --rules DIR            an extra rule folder (repeatable)
  --config FILE          config file (default .github/prevent-similar-bugs.yml when present)
  --fail-on error|warning|notice|never
                         exit 1 when a finding is at or above this severity (default error)
  --now YYYY-MM-DD       the date that expiry dates are compared with (default today)
  --quiet                print findings only
  --debug                show stack traces of internal errors

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 a usage, config or rule-file error.
`

const FORMATS = ['text', 'json', 'sarif', 'github'] as const
const FAIL_ON = ['error', 'warning', 'notice', 'never'] as const

/** Parses `--now`: a calendar date, taken as midnight UTC. */
export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date()
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new UserError(`--now must be a date as YYYY-MM-DD, not \`${value}\``)
  }
  return new Date(`${value}T00:00:00Z`)
}

function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  dflt: T
): T {
  if (value === undefined) return dflt
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new UserError(`${name} must be one of ${allowed.join(', ')}, not \`${value}\``)
}

function readConfig(io: CliIo, explicit: string | undefined, roots: string[]): Config {
  if (explicit !== undefined) {
    const path = resolve(io.cwd, explicit)
    if (!existsSync(path)) throw new UserError(`config file not found`, explicit)
    return loadConfig(readFileSync(path, 'utf8'), explicit)
  }
  for (const dir of [io.cwd, ...roots]) {
    for (const name of ['.github/prevent-similar-bugs.yml', '.github/prevent-similar-bugs.yaml']) {
      const path = join(dir, name)
      if (existsSync(path)) return loadConfig(readFileSync(path, 'utf8'), path)
    }
  }
  return defaultConfig()
}

function prefixPath(prefix: string, path: string): string {
  return prefix ? `${prefix}/${path}` : path
}

function prefixFinding(prefix: string, f: Finding): Finding {
  if (!prefix) return f
  return {
    ...f,
    file: prefixPath(prefix, f.file),
    related: f.related?.map((r) => ({ ...r, file: prefixPath(prefix, r.file) }))
  }
}

/** Loads config and rules, collects the paths and scans every repository root they fall in. */
export function scanPaths(
  io: CliIo,
  paths: string[],
  opts: { config?: string; rules: string[]; now: Date }
): { result: ScanResult; ruleSet: RuleSet; config: Config } {
  const first = collect(paths, io.cwd)
  const config = readConfig(
    io,
    opts.config,
    first.groups.map((g) => g.root)
  )
  // Folders named in a config resolve against its repository: the parent of `.github/`, else its folder.
  const configFolder = config.source ? dirname(resolve(io.cwd, config.source)) : io.cwd
  const configDir = basename(configFolder) === '.github' ? dirname(configFolder) : configFolder
  const ruleSet = loadRuleSet({
    builtinDir: builtinRulesDir(),
    dirs: opts.rules.map((d) => resolve(io.cwd, d)),
    config,
    root: configDir
  })
  const collected = applyIgnore(first, config.ignore)
  const findings: Finding[] = []
  const files: FileStatus[] = []
  const errors = [...collected.errors]
  for (const g of collected.groups) {
    const r = scan({ files: g.files, readFile: g.readFile, ruleSet, config, now: opts.now })
    findings.push(...r.findings.map((f) => prefixFinding(g.display, f)))
    files.push(...g.statuses.map((s) => ({ ...s, path: prefixPath(g.display, s.path) })))
    files.push(...r.files.map((s) => ({ ...s, path: prefixPath(g.display, s.path) })))
    errors.push(...r.errors)
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return {
    result: { findings: sortFindings(findings), files, errors, rules: ruleSet.rules },
    ruleSet,
    config
  }
}

function cmdScan(io: CliIo, args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      rules: { type: 'string', multiple: true },
      config: { type: 'string' },
      'fail-on': { type: 'string' },
      now: { type: 'string' },
      quiet: { type: 'boolean' },
      debug: { type: 'boolean' }
    }
  })
  const format = oneOf('--format', values.format, FORMATS, 'text')
  const failOn = oneOf('--fail-on', values['fail-on'], FAIL_ON, 'error')
  const now = parseNow(values.now)
  const { result } = scanPaths(io, positionals, {
    config: values.config,
    rules: values.rules ?? [],
    now
  })
  if (format === 'json') io.stdout(renderJson(result))
  else if (format === 'sarif') io.stdout(renderSarifForCli(result))
  else if (format === 'github') io.stdout(renderAnnotationsForCli(result))
  else
    io.stdout(
      renderText(result, { colour: io.isTTY && !io.env.NO_COLOR, quiet: values.quiet ?? false })
    )
  return fails(countBySeverity(result.findings), failOn) ? 1 : 0
}

function cmdTestRules(io: CliIo, args: string[]): number {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} })
  const dirs = positionals.length ? positionals.map((d) => resolve(io.cwd, d)) : [builtinRulesDir()]
  const report = runRuleTests(dirs, { builtinDir: builtinRulesDir(), root: io.cwd })
  io.stdout(formatRuleTestReport(report))
  return report.failed > 0 ? 1 : 0
}

function cmdDocs(io: CliIo, args: string[]): number {
  const { values } = parseArgs({
    args,
    allowPositionals: false,
    options: { out: { type: 'string' }, check: { type: 'boolean' } }
  })
  const out = resolve(io.cwd, values.out ?? 'docs/rules')
  const ruleSet = loadRuleSet({ builtinDir: builtinRulesDir(), dirs: [], config: defaultConfig() })
  const stale: string[] = []
  for (const doc of renderRuleDocs(ruleSet)) {
    const path = join(out, doc.path.replace(/^docs\/rules\//, ''))
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined
    if (current === doc.content) continue
    if (values.check) stale.push(path)
    else {
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, doc.content)
    }
  }
  if (values.check && stale.length) {
    io.stderr(
      `rule docs are stale; run \`npm run docs:rules\`:\n${stale.map((s) => `  ${s}`).join('\n')}\n`
    )
    return 1
  }
  return 0
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  const debug = rest.includes('--debug') || !!io.env.ACTIONS_STEP_DEBUG
  try {
    switch (command) {
      case 'scan':
        return cmdScan(io, rest)
      case 'test-rules':
        return cmdTestRules(io, rest)
      case 'docs':
        return cmdDocs(io, rest)
      case '--version':
      case 'version':
        io.stdout(`${VERSION}\n`)
        return 0
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout(USAGE)
        return command === undefined ? 2 : 0
      default:
        throw new UserError(`unknown command \`${command}\`; see --help`)
    }
  } catch (err) {
    const e = err as Error & { code?: string }
    if (err instanceof UserError || e.code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`prevent-similar-bugs: ${terminalSafe(e.message)}\n`)
      return 2
    }
    io.stderr(
      `prevent-similar-bugs: internal error: ${e.message}\n${debug ? `${e.stack}\n` : '(run with --debug for the stack trace)\n'}`
    )
    return 2
  }
}
