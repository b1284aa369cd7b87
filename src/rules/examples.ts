/** Example workflows that prove a rule: finding them, and reading their expectation comments. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import type { Severity } from '../types.js'

export interface Expectation {
  kind: 'expect' | 'ok'
  rule: string
  severity?: Severity
  line: number
  /** The line the comment is written on (differs from `line` for expect-next). */
  commentLine: number
}

const COMMENT = /#\s*(expect-next|expect|ok)\s*:\s*([^#]*)/g
const ITEM = /^([a-z0-9]+(?:-[a-z0-9]+)*)(?:\s+(error|warning|notice))?$/

/** Reads `# expect:`, `# expect-next:` and `# ok:` comments. Malformed ones are returned as problems. */
export function readExpectations(lines: string[]): {
  expectations: Expectation[]
  problems: string[]
} {
  const expectations: Expectation[] = []
  const problems: string[] = []
  lines.forEach((text, i) => {
    for (const m of text.matchAll(COMMENT)) {
      const kind = m[1]
      let line = i + 1
      if (kind === 'expect-next') {
        let j = i + 1
        while (j < lines.length && /^\s*(#.*)?$/.test(lines[j])) j++
        if (j >= lines.length) {
          problems.push(`line ${i + 1}: \`# expect-next:\` has no line after it`)
          continue
        }
        line = j + 1
      }
      for (const raw of m[2].split(',')) {
        const item = raw.trim()
        if (!item) continue
        const im = ITEM.exec(item)
        if (!im) {
          problems.push(
            `line ${i + 1}: cannot read \`# ${kind}: ${m[2].trim()}\` (expected RULE [error|warning|notice])`
          )
          continue
        }
        expectations.push({
          kind: kind === 'ok' ? 'ok' : 'expect',
          rule: im[1],
          severity: kind === 'ok' ? undefined : (im[2] as Severity | undefined),
          line,
          commentLine: i + 1
        })
      }
    }
  })
  return { expectations, problems }
}

/** The `# now: YYYY-MM-DD` header of an example (among the comment lines at its top). */
export function readNow(lines: string[]): string | undefined {
  for (const text of lines) {
    if (!/^\s*(#.*)?$/.test(text)) break
    const m = /^\s*#\s*now\s*:\s*(\d{4}-\d{2}-\d{2})\s*$/.exec(text)
    if (m) return m[1]
  }
  return undefined
}

export interface ExampleSet {
  /** The folder the paths are relative to (the examples folder, or a repository tree in it). */
  root: string
  /** Workflow files to scan (relative to root, posix). */
  workflows: string[]
  /** Every YAML file whose expectations are checked (relative to root, posix). */
  checked: string[]
  /** How the files are named in reports (relative to the examples folder). */
  prefix: string
}

const YAML = /\.ya?ml$/i

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else out.push(p)
  }
  return out
}

function posix(p: string): string {
  return p.split(sep).join('/')
}

/**
 * The example sets of a rule: every YAML file directly in `<dir>/<id>.examples/` is a workflow of
 * its own; every sub-folder is a repository tree whose `.github/workflows/*` are scanned, with local
 * composite actions read from the tree.
 */
export function exampleSets(examplesDir: string): ExampleSet[] {
  if (!existsSync(examplesDir) || !statSync(examplesDir).isDirectory()) return []
  const sets: ExampleSet[] = []
  for (const name of readdirSync(examplesDir).sort()) {
    const p = join(examplesDir, name)
    if (statSync(p).isDirectory()) {
      const files = walk(p)
        .map((f) => posix(relative(p, f)))
        .filter((f) => YAML.test(f))
      const workflows = files.filter((f) => /^\.github\/workflows\/[^/]+$/.test(f))
      if (files.length) sets.push({ root: p, workflows, checked: files, prefix: `${name}/` })
    } else if (YAML.test(name)) {
      sets.push({ root: examplesDir, workflows: [name], checked: [name], prefix: '' })
    }
  }
  return sets
}

export function readLines(path: string): string[] {
  return readFileSync(path, 'utf8').split(/\r?\n/)
}
