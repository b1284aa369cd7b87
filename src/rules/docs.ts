/**
 * Rule documentation generated from the rule files: `docs/rules/<id>.md` and an index. Deterministic
 * (sorted, no dates, no absolute paths) so CI can check that the committed docs are current.
 */
import { join } from 'node:path'
import type { RuleSet } from '../engine/api.js'
import { internalOf, type CompiledRule } from '../engine/compiled.js'
import { exampleSets, readExpectations, readLines } from './examples.js'

export interface RenderedDoc {
  path: string
  content: string
}

const SEVERITY_ICON = { error: '❌', warning: '⚠️', notice: 'ℹ️' }

function fence(text: string): string {
  let ticks = '```'
  while (text.includes(ticks)) ticks += '`'
  return ticks
}

function code(text: string): string {
  const t = text.includes('`') ? '``' : '`'
  return `${t}${text.includes('`') ? ` ${text} ` : text}${t}`
}

function examplesSection(rule: CompiledRule): string[] {
  const id = rule.info.id
  const out: string[] = []
  for (const set of exampleSets(join(rule.dir, `${id}.examples`))) {
    for (const file of set.checked) {
      const lines = readLines(join(set.root, file))
      const { expectations } = readExpectations(lines)
      const mine = expectations
        .filter((e) => e.rule === id)
        .sort((a, b) => a.line - b.line || a.kind.localeCompare(b.kind))
      if (!mine.length) continue
      out.push(`### ${code(`${set.prefix}${file}`)}`, '')
      for (const e of mine) {
        const src = (lines[e.line - 1] ?? '').trim()
        const what =
          e.kind === 'ok' ? 'no finding' : `a finding${e.severity ? ` (${e.severity})` : ''}`
        const f = fence(src)
        out.push(`- line ${e.line}: ${what}`, '', `  ${f}yaml`, `  ${src}`, `  ${f}`, '')
      }
    }
  }
  return out
}

function ruleDoc(rule: CompiledRule): string {
  const i = rule.info
  const out: string[] = [
    `# ${code(i.id)}: ${i.title}`,
    '',
    `<!-- generated from the rule file by \`prevent-similar-bugs docs\`: do not edit -->`,
    '',
    `- Severity: ${SEVERITY_ICON[i.severity]} **${i.severity}**${rule.levels ? ` (the highest; the severity depends on the case: ${rule.levels.map((l) => l.severity).join(', ')})` : ''}`,
    `- Tags: ${i.tags.length ? i.tags.map(code).join(', ') : '(none)'}`,
    ...(rule.quickFix
      ? [
          '- Quick fixes: a `# prevent-similar-bugs: quick-fix expires=YYYY-MM-DD` marker on the step sets the severity by its date'
        ]
      : []),
    ...(rule.skipIfReported.length
      ? [`- Not reported where ${rule.skipIfReported.map(code).join(' or ')} reports the same step`]
      : []),
    '',
    '## What it reports',
    '',
    `> ${rule.rawMessage}`,
    '',
    '## Why it matters and how to fix it',
    '',
    i.recommendation.trim(),
    ''
  ]
  const ex = examplesSection(rule)
  if (ex.length) out.push('## Examples', '', ...ex)
  if (i.references.length) out.push('## References', '', ...i.references.map((r) => `- ${r}`), '')
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  )
}

/** The docs of every rule in the set (not the engine's own findings), and `docs/rules/README.md`. */
export function renderRuleDocs(ruleSet: RuleSet): RenderedDoc[] {
  const rules = [...internalOf(ruleSet).rules].sort((a, b) => (a.info.id < b.info.id ? -1 : 1))
  const docs: RenderedDoc[] = rules.map((r) => ({
    path: `docs/rules/${r.info.id}.md`,
    content: ruleDoc(r)
  }))
  const index = [
    '# Rules',
    '',
    '<!-- generated from the rule files by `prevent-similar-bugs docs`: do not edit -->',
    '',
    '| rule | severity | what it catches | tags |',
    '|---|---|---|---|',
    ...rules.map(
      (r) =>
        `| [${code(r.info.id)}](${r.info.id}.md) | ${SEVERITY_ICON[r.info.severity]} ${r.info.severity} | ${r.info.title.replace(/\|/g, '\\|')} | ${r.info.tags.map(code).join(', ')} |`
    ),
    ''
  ].join('\n')
  docs.push({ path: 'docs/rules/README.md', content: index })
  return docs
}
