/** `uses:` references: splitting them, and finding local actions inside the repository. */
import { posix } from 'node:path'
import type { FileRange } from '../types.js'
import type { FileReader, UsesRef } from './model.js'

const ACTION = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)((?:\/[^@\s]+)?)@(\S+)$/

export function parseUses(raw: string, range: FileRange): UsesRef {
  const value = raw.trim()
  if (value.startsWith('docker://')) {
    return { raw, kind: 'docker', name: value.toLowerCase(), range }
  }
  if (value.startsWith('./') || value.startsWith('../') || value === '.') {
    return { raw, kind: 'local', path: value, name: value, range }
  }
  const m = ACTION.exec(value)
  if (!m) {
    // Expressions cannot be resolved statically; anything else is malformed.
    return {
      raw,
      kind: value.includes('${{') ? 'action' : 'invalid',
      name: value.toLowerCase(),
      range
    }
  }
  const path = m[3] ? m[3].slice(1) : undefined
  return {
    raw,
    kind: 'action',
    owner: m[1],
    repo: m[2],
    path,
    ref: m[4],
    name: `${m[1]}/${m[2]}${path ? `/${path}` : ''}`.toLowerCase(),
    range
  }
}

/**
 * The repo-relative file of a local action (`./dir` -> `dir/action.yml` or `dir/action.yaml`),
 * or why it cannot be read. Paths that leave the repository are refused, never followed.
 */
export function resolveLocalAction(
  raw: string,
  readFile: FileReader
): { path: string; text: string } | { error: string } {
  const rel = raw.trim()
  if (rel.includes('${{')) return { error: `\`${rel}\` is an expression` }
  // normalize keeps a lone './' as it is: it is the repository root, like '.'.
  const dir = posix.normalize(rel).replace(/^\.\/$/, '.')
  if (dir === '..' || dir.startsWith('../') || posix.isAbsolute(dir)) {
    return { error: `\`${rel}\` points outside the repository` }
  }
  const base = dir === '.' ? '' : `${dir.replace(/\/$/, '')}/`
  for (const name of ['action.yml', 'action.yaml']) {
    const path = `${base}${name}`
    const text = readFile(path)
    if (text !== undefined) return { path, text }
  }
  return { error: `no action.yml or action.yaml in \`${rel}\` of this repository` }
}
