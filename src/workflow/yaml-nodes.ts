/**
 * Thin helpers over the `yaml` node tree: ranges in lines and columns, alias resolution with a bound,
 * and typed access to mapping entries. Nothing here knows about workflows.
 */
import { Alias, isMap, isScalar, isSeq, LineCounter } from 'yaml'
import type { Document, Node, Pair, Scalar as YScalar, YAMLMap, YAMLSeq } from 'yaml'
import type { FileRange } from '../types.js'

export class NodeContext {
  aliasesResolved = 0
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lineCounter: LineCounter,
    readonly maxAliases: number
  ) {}

  /** The range of a node (start to the end of its value), or of an offset pair. */
  range(node: Node | null | undefined, fallback?: FileRange): FileRange {
    const r = node?.range
    if (!r) return fallback ?? { file: this.file, line: 1, column: 1, endLine: 1, endColumn: 1 }
    return this.offsets(r[0], r[1])
  }

  offsets(start: number, end: number): FileRange {
    const a = this.lineCounter.linePos(start)
    const b = this.lineCounter.linePos(Math.max(start, end))
    return { file: this.file, line: a.line, column: a.col, endLine: b.line, endColumn: b.col }
  }

  /** Follows an alias to its anchored node; undefined past the alias budget or when it dangles. */
  deref(node: unknown): Node | undefined {
    if (node instanceof Alias) {
      if (++this.aliasesResolved > this.maxAliases) return undefined
      return (node.resolve(this.doc) as Node | undefined) ?? undefined
    }
    return (node as Node | null | undefined) ?? undefined
  }
}

export type Kind = 'map' | 'seq' | 'scalar' | 'null'

export function kindOf(node: Node | undefined): Kind {
  if (node === undefined || node === null) return 'null'
  if (isMap(node)) return 'map'
  if (isSeq(node)) return 'seq'
  if (isScalar(node)) return node.value === null ? 'null' : 'scalar'
  return 'null'
}

export function describe(node: Node | undefined): string {
  const k = kindOf(node)
  if (k === 'map') return 'a mapping'
  if (k === 'seq') return 'a list'
  if (k === 'null') return 'empty'
  const v = (node as YScalar).value
  return typeof v === 'string' ? 'a string' : typeof v === 'number' ? 'a number' : `a ${typeof v}`
}

/** A mapping entry with its resolved key text and value node. */
export interface Entry {
  key: string
  keyNode: Node | undefined
  value: Node | undefined
  pair: Pair
}

/** The entries of a mapping; the first of duplicated keys wins (duplicates are reported elsewhere). */
export function entries(ctx: NodeContext, map: YAMLMap): Entry[] {
  const out: Entry[] = []
  const seen = new Set<string>()
  for (const pair of map.items as Pair[]) {
    const keyNode = ctx.deref(pair.key)
    const key = isScalar(keyNode) ? String(keyNode.value) : ''
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ key, keyNode, value: ctx.deref(pair.value), pair })
  }
  return out
}

export function asMap(node: Node | undefined): YAMLMap | undefined {
  return node && isMap(node) ? (node as YAMLMap) : undefined
}

export function asSeq(node: Node | undefined): YAMLSeq | undefined {
  return node && isSeq(node) ? (node as YAMLSeq) : undefined
}

/** The scalar's text: strings as they are, numbers and booleans as written in the source. */
export function scalarText(node: Node | undefined): string | undefined {
  if (!node || !isScalar(node)) return undefined
  const s = node as YScalar
  if (s.value === null) return undefined
  return typeof s.value === 'string' ? s.value : String(s.value)
}
