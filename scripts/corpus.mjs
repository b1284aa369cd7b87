// The corpus run: scans every file of ../shared/corpus (real workflows and the peer linters' fixtures)
// with the bundled CLI, fails on a crash or on a file missing from the report, and prints the counts.
// Usage: node scripts/corpus.mjs [corpus-dir]   (default ../shared/corpus)
import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const corpus = resolve(process.argv[2] ?? '../shared/corpus')
const parts = ['workflows', 'peer-fixtures']
const cli = resolve('dist/cli/index.js')

// Every file below `dir`, except the provenance table at its top.
function listFiles(dir, top = dir) {
  const out = []
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    const st = statSync(full)
    if (st.isDirectory()) out.push(...listFiles(full, top))
    else if (!(dir === top && name === 'SOURCES.tsv')) out.push(full)
  }
  return out
}

let failed = false
const perRule = {}
const totals = { files: 0, scanned: 0, parseErrors: 0, skipped: 0, findings: 0 }
const started = process.hrtime.bigint()
for (const part of parts) {
  const dir = join(corpus, part)
  const all = listFiles(dir)
  const yaml = all.filter((f) => /\.ya?ml$/i.test(f))
  // Folders give their YAML files; other files (snapshots, expected outputs) are named explicitly,
  // so that every file of the corpus is accounted for in the report.
  const others = all.filter((f) => !/\.ya?ml$/i.test(f)).map((f) => relative(corpus, f))
  let out
  const t0 = process.hrtime.bigint()
  try {
    out = execFileSync(process.execPath, [cli, 'scan', '--format', 'json', '--fail-on', 'never', part, ...others], {
      cwd: corpus,
      maxBuffer: 1 << 30,
      encoding: 'utf8'
    })
  } catch (err) {
    console.error(`corpus run: the scan of ${part} failed (exit ${err.status}):\n${err.stderr}`)
    process.exit(1)
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  const report = JSON.parse(out)
  const reported = new Map(report.files.map((f) => [resolve(corpus, f.path), f]))
  const missing = all.filter((f) => !reported.has(f))
  if (missing.length) {
    failed = true
    console.error(`corpus run: ${missing.length} files of ${part} missing from the report, e.g. ${missing.slice(0, 5).join(', ')}`)
  }
  const counts = { scanned: 0, 'parse-error': 0, skipped: 0 }
  for (const f of report.files) counts[f.status] = (counts[f.status] ?? 0) + 1
  const parseFindings = report.findings.filter((f) => f.ruleId === 'parse-error' || f.ruleId === 'invalid-workflow')
  for (const f of report.findings) perRule[f.ruleId] = (perRule[f.ruleId] ?? 0) + 1
  console.log(
    `${part}: ${all.length} files (${yaml.length} YAML) in ${(ms / 1000).toFixed(1)} s: ` +
      `${counts.scanned} scanned, ${counts['parse-error']} failed to parse, ${counts.skipped} skipped; ` +
      `${report.findings.length} findings, ${parseFindings.length} of them parse/shape findings; ${report.errors.length} errors`
  )
  totals.files += all.length
  totals.scanned += counts.scanned
  totals.parseErrors += counts['parse-error']
  totals.skipped += counts.skipped
  totals.findings += report.findings.length
}
const wall = Number(process.hrtime.bigint() - started) / 1e9
console.log('findings per rule:')
for (const [rule, n] of Object.entries(perRule).sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(6)}  ${rule}`)
console.log(
  `corpus run: ${totals.files} files, ${totals.scanned} scanned, ${totals.parseErrors} failed to parse, ` +
    `${totals.skipped} skipped, ${totals.findings} findings, wall time ${wall.toFixed(1)} s`
)
process.exit(failed ? 1 : 0)
