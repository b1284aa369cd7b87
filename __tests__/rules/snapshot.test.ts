import { describe, expect, jest, test } from '@jest/globals'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { RE2JS } from 're2js'
import { UserError } from '../../src/engine/api.js'
import { patternFacts, type PatternFacts } from '../../src/engine/pattern.js'
import { defaultConfig } from '../../src/config/config.js'
import { builtinRulesDir } from '../../src/paths.js'
import { loadRuleSet } from '../../src/rules/load.js'
import { readSnapshot, sha256, SNAPSHOT_FILE } from '../../src/rules/snapshot.js'
import { parseYamlSource } from '../../src/rules/yaml-source.js'
import { tempTree } from '../engine/helpers.js'

const RULE = (title: string, extra = '') => `id: one
title: ${title}
severity: warning
message: found it
recommendation: fix it
match:
  steps:
    - as: s
      where: { run: deploy }
${extra}`

function snapshotOf(files: Record<string, { text: string; data: unknown }>): string {
  const out: Record<string, { sha256: string; data: unknown }> = {}
  for (const [name, f] of Object.entries(files))
    out[name] = { sha256: sha256(f.text), data: f.data }
  return JSON.stringify({ files: out })
}

describe('the snapshot of the built-in rules', () => {
  test('holds, for each built-in file it knows, what parsing that file gives', () => {
    const dir = builtinRulesDir()
    const snap = JSON.parse(readFileSync(join(dir, SNAPSHOT_FILE), 'utf8')) as {
      files: Record<string, { sha256: string; data: unknown }>
    }
    let current = 0
    for (const rel of [
      ...readdirSync(dir).filter((f) => f.endsWith('.yml')),
      ...readdirSync(join(dir, 'catalog')).map((f) => `catalog/${f}`)
    ]) {
      const text = readFileSync(join(dir, rel), 'utf8')
      const entry = snap.files[rel]
      if (entry?.sha256 !== sha256(text)) continue // stale: the file is parsed at run time
      current++
      expect(entry.data).toEqual(parseYamlSource(text, rel).data)
    }
    expect(current).toBeGreaterThan(0)
  })

  test('has the facts of each of its patterns as compiling them now gives them', () => {
    const snap = JSON.parse(readFileSync(join(builtinRulesDir(), SNAPSHOT_FILE), 'utf8')) as {
      patterns: Record<string, PatternFacts>
    }
    const entries = Object.entries(snap.patterns)
    expect(entries.length).toBeGreaterThan(0)
    for (const [source, facts] of entries)
      expect([source, facts]).toEqual([source, patternFacts(source)])
  })

  test('its patterns are not compiled at load, only when a text passes their literals', () => {
    const dir = builtinRulesDir()
    const known = new Set(readSnapshot(dir)!.patterns.keys())
    const compile = jest.spyOn(RE2JS, 'compile')
    try {
      loadRuleSet({ builtinDir: dir, config: defaultConfig(), root: dir })
      expect(compile.mock.calls.map((c) => c[0]).filter((s) => known.has(s))).toEqual([])
    } finally {
      compile.mockRestore()
    }
  })

  test('gives the data of exactly the text it was made from; any other text is parsed', () => {
    const text = RULE('As parsed')
    const data = parseYamlSource(text, 'one.yml').data as Record<string, unknown>
    const dir = tempTree({
      'one.yml': text,
      // the same text with another title in the snapshot shows which one was used
      [SNAPSHOT_FILE]: snapshotOf({
        'one.yml': { text, data: { ...data, title: 'From the snapshot' } }
      })
    })
    const load = () => loadRuleSet({ builtinDir: dir, config: defaultConfig(), root: dir })
    expect(load().rules.map((r) => r.title)).toEqual(['From the snapshot'])
    writeFileSync(join(dir, 'one.yml'), RULE('Edited'))
    expect(load().rules.map((r) => r.title)).toEqual(['Edited'])
    // an unreadable snapshot is no snapshot
    writeFileSync(join(dir, SNAPSHOT_FILE), '{ not json')
    expect(readSnapshot(dir)).toBeUndefined()
    expect(load().rules.map((r) => r.title)).toEqual(['Edited'])
  })

  test('an error in a file known from the snapshot still names its line', () => {
    const text = RULE('Skips', 'skip-if-reported:\n  - nowhere\n')
    const dir = tempTree({
      'one.yml': text,
      [SNAPSHOT_FILE]: snapshotOf({
        'one.yml': { text, data: parseYamlSource(text, 'one.yml').data }
      })
    })
    let err: unknown
    try {
      loadRuleSet({ builtinDir: dir, config: defaultConfig(), root: dir })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(UserError)
    const e = err as UserError
    expect([e.file, e.line, e.message]).toEqual([
      join(dir, 'one.yml'),
      11,
      expect.stringContaining('skip-if-reported[0]: unknown rule `nowhere`')
    ])
  })

  test('a copy of a known file in another folder gets data of its own', () => {
    const text = RULE('Twice')
    const data = parseYamlSource(text, 'one.yml').data
    const builtin = tempTree({
      'x.yml': 'id: x\n',
      [SNAPSHOT_FILE]: snapshotOf({ 'one.yml': { text, data } })
    })
    const snap = readSnapshot(builtin)!
    const a = snap.data(text)
    const b = snap.data(text)
    expect(a).toEqual(data)
    expect(b).toEqual(data)
    expect(b).not.toBe(a)
    expect(snap.data(text + '\n')).toBeUndefined()
  })
})
