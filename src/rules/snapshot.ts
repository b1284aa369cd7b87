/**
 * The snapshot of the built-in rules (rules/snapshot.generated.json, made by
 * scripts/gen-rules-snapshot.mjs): for each built-in rule and catalog file, the SHA-256 of its text
 * and the data parseYamlSource makes of it. Parsing those files with `yaml` was the largest part of
 * the CLI's start; a file whose text has exactly a snapshotted hash takes its data from the
 * snapshot instead (its text is still parsed if an error needs a line). Any other text, an edited
 * file for one, is parsed as usual, and a missing or unreadable snapshot only makes loading slower.
 *
 * It also lists the regular expressions of those files with their literals (see pattern.ts), each
 * compiled by RE2 when the snapshot was made: they need no compiling at load, only at first use.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Literals, PatternFacts } from '../engine/pattern.js'

export const SNAPSHOT_FILE = 'snapshot.generated.json'

export interface Snapshot {
  /** The data of this exact text, if the snapshot has it. */
  data(text: string): unknown
  /** The patterns of the built-in rules, each compiled when the snapshot was made. */
  patterns: Map<string, PatternFacts>
}

function isLiterals(v: unknown): v is Literals {
  if (!v || typeof v !== 'object') return false
  const o = v as Record<string, unknown>
  if (typeof o.str === 'string') return o.str.length > 0
  const subs = o.all ?? o.any
  return Array.isArray(subs) && subs.length > 0 && subs.every(isLiterals)
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** The snapshot in a rules folder; undefined when there is none (or it cannot be read). */
export function readSnapshot(dir: string): Snapshot | undefined {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(join(dir, SNAPSHOT_FILE), 'utf8'))
  } catch {
    return undefined
  }
  const files = (raw as { files?: unknown } | null)?.files
  if (!files || typeof files !== 'object') return undefined
  const byHash = new Map<string, { data: unknown; used: boolean }>()
  for (const f of Object.values(files as Record<string, { sha256?: unknown; data?: unknown }>)) {
    if (typeof f?.sha256 === 'string' && f.data !== undefined)
      byHash.set(f.sha256, { data: f.data, used: false })
  }
  const patterns = new Map<string, PatternFacts>()
  const raws = (raw as { patterns?: unknown }).patterns
  for (const [source, f] of Object.entries(raws && typeof raws === 'object' ? raws : {})) {
    const { literals, lower } = (f ?? {}) as Record<string, unknown>
    if (typeof lower === 'boolean' && (literals === null || isLiterals(literals)))
      patterns.set(source, { literals, lower })
  }
  return {
    patterns,
    data(text) {
      const hit = byHash.get(sha256(text))
      if (!hit) return undefined
      // the same text read twice (a copy of a built-in file) gets its own data
      if (hit.used) return structuredClone(hit.data)
      hit.used = true
      return hit.data
    }
  }
}
