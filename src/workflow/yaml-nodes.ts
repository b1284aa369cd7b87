/**
 * Thin helpers over the `yaml` node tree: ranges in lines and columns, alias resolution with a bound,
 * and typed access to mapping entries. Nothing here knows about workflows.
 */
import type { LineCounter } from 'yaml'
import type { FileRange } from '../types.js'
import type { YAlias, YMap, YNode, YPair, YScalar, YSeq } from './yaml-tree.js'

/** Thrown when reading a file would take more work than a limit allows; the file gets one finding. */
export class LimitExceeded extends Error {
  constructor(
    message: string,
    /** Where the limit was hit: a node of the file being read, or a range in it. */
    readonly at: YNode | FileRange | undefined
  ) {
    super(message)
    this.name = 'LimitExceeded'
  }
}

export class NodeContext {
  aliasesResolved = 0
  nodesVisited = 0
  constructor(
    readonly file: string,
    /** The source text. */
    readonly text: string,
    readonly lineCounter: LineCounter,
    /** Each alias's anchored node (see `inspect`): resolving is a lookup, not a walk of the document. */
    readonly aliases: Map<YAlias, YNode>,
    readonly maxAliases: number,
    readonly maxNodes: number
  ) {}

  /** The range of a node (start to the end of its value), or of an offset pair. */
  range(node: YNode | null | undefined, fallback?: FileRange): FileRange {
    const r = node?.range
    if (!r) return fallback ?? { file: this.file, line: 1, column: 1, endLine: 1, endColumn: 1 }
    return this.offsets(r[0], r[1])
  }

  /**
   * The range of source offsets, without the line breaks and spaces yaml counts at the end of a
   * collection: a step ends where its last value ends, not at the start of the next line.
   */
  offsets(start: number, end: number): FileRange {
    let e = Math.max(start, end)
    const t = this.text
    while (e > start) {
      const c = t.charCodeAt(e - 1)
      if (c !== 10 && c !== 13 && c !== 32 && c !== 9) break
      e--
    }
    const a = this.lineCounter.linePos(start)
    const b = this.lineCounter.linePos(e)
    return { file: this.file, line: a.line, column: a.col, endLine: b.line, endColumn: b.col }
  }

  /**
   * Every node the model reads passes here: counts the work (aliases can make a small file
   * describe a huge tree) and follows an alias to its anchored node (undefined when it dangles).
   */
  deref(node: YNode | null | undefined): YNode | undefined {
    if (++this.nodesVisited > this.maxNodes) {
      throw new LimitExceeded(
        `reading the file needs more than ${this.maxNodes} YAML nodes (limit maxNodes); the file was not checked`,
        node as YNode
      )
    }
    const n = node as YNode | null | undefined
    if (n !== null && n !== undefined && n.kind === 'alias') {
      if (++this.aliasesResolved > this.maxAliases) {
        throw new LimitExceeded(
          `the file resolves more than ${this.maxAliases} aliases (limit maxAliases); the file was not checked`,
          n
        )
      }
      return this.aliases.get(n)
    }
    return n ?? undefined
  }
}

/** Collections, aliases and anchored scalars: a plain scalar has nothing for `inspect`. */
function worthVisiting(x: YNode | null): boolean {
  return x !== null && (x.kind !== 'scalar' || x.anchor !== undefined)
}

/** What one walk over a parsed document finds. */
export interface Inspection {
  aliases: Map<YAlias, YNode>
  /** Keys repeated in the same mapping (after the first), with the first occurrence. */
  duplicates: { key: YNode; first: YNode; text: string }[]
  /** The first node nested deeper than the limit, if any. */
  tooDeep?: YNode
}

/**
 * One iterative walk of the document in source order (no recursion, so no stack to exhaust):
 * resolves every alias to the last anchor of its name before it, finds duplicate keys with a set per
 * mapping (yaml's own check is quadratic in the mapping's size) and measures the nesting depth.
 */
export function inspect(contents: YNode | null, maxDepth: number): Inspection {
  const aliases = new Map<YAlias, YNode>()
  const anchors = new Map<string, YNode>()
  const duplicates: Inspection['duplicates'] = []
  let tooDeep: YNode | undefined
  // Two parallel stacks (node, depth): no allocation per node.
  const nodes: (YNode | null)[] = [contents]
  const depths: number[] = [0]
  while (nodes.length > 0) {
    const n = nodes.pop() as YNode | null
    const depth = depths.pop() as number
    if (n === null) continue
    if (n.kind === 'alias') {
      const target = anchors.get(n.source)
      if (target) aliases.set(n, target)
      continue
    }
    if (n.anchor !== undefined) anchors.set(n.anchor, n)
    if (n.kind === 'map') {
      if (depth >= maxDepth && !tooDeep) tooDeep = n
      const items = n.items
      for (let i = items.length - 1; i >= 0; i--) {
        const { key, value } = items[i]
        if (worthVisiting(value)) {
          nodes.push(value)
          depths.push(depth + 1)
        }
        if (worthVisiting(key)) {
          nodes.push(key)
          depths.push(depth + 1)
        }
      }
      if (items.length > 16) {
        const seen = new Map<unknown, YNode>()
        for (const pair of items) {
          const k = pair.key
          if (k === null || k.kind !== 'scalar') continue
          const first = seen.get(k.value)
          if (first) duplicates.push({ key: k, first, text: String(k.value) })
          else seen.set(k.value, k)
        }
      } else {
        // Small mappings (nearly all): comparing pairs is cheaper than a Map.
        for (let i = 1; i < items.length; i++) {
          const k = items[i].key
          if (k === null || k.kind !== 'scalar') continue
          for (let j = 0; j < i; j++) {
            const f = items[j].key
            if (f !== null && f.kind === 'scalar' && f.value === k.value) {
              duplicates.push({ key: k, first: f, text: String(k.value) })
              break
            }
          }
        }
      }
    } else if (n.kind === 'seq') {
      if (depth >= maxDepth && !tooDeep) tooDeep = n
      const items = n.items
      for (let i = items.length - 1; i >= 0; i--) {
        if (worthVisiting(items[i])) {
          nodes.push(items[i])
          depths.push(depth + 1)
        }
      }
    }
  }
  return { aliases, duplicates, tooDeep }
}

export type Kind = 'map' | 'seq' | 'scalar' | 'null'

export function kindOf(node: YNode | null | undefined): Kind {
  if (node === undefined || node === null) return 'null'
  if (node.kind === 'scalar') return node.value === null ? 'null' : 'scalar'
  if (node.kind === 'alias') return 'null'
  return node.kind
}

export function describe(node: YNode | null | undefined): string {
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
  keyNode: YNode | undefined
  value: YNode | undefined
  pair: YPair
}

/** The entries of a mapping; the first of duplicated keys wins (duplicates are reported elsewhere). */
export function entries(ctx: NodeContext, map: YMap): Entry[] {
  const items = map.items
  const out: Entry[] = []
  // Small mappings (nearly all) compare keys pairwise; larger ones use a set.
  const seen = items.length > 16 ? new Set<string>() : undefined
  next: for (const pair of items) {
    const keyNode = ctx.deref(pair.key)
    const key = keyNode !== undefined && keyNode.kind === 'scalar' ? String(keyNode.value) : ''
    if (seen) {
      if (seen.has(key)) continue
      seen.add(key)
    } else {
      for (let i = 0; i < out.length; i++) if (out[i].key === key) continue next
    }
    out.push({ key, keyNode, value: ctx.deref(pair.value), pair })
  }
  return out
}

export function asMap(node: YNode | null | undefined): YMap | undefined {
  return node !== null && node !== undefined && node.kind === 'map' ? node : undefined
}

export function asSeq(node: YNode | null | undefined): YSeq | undefined {
  return node !== null && node !== undefined && node.kind === 'seq' ? node : undefined
}

/** The scalar's text: strings as they are, numbers and booleans as written in the source. */
export function scalarText(node: YNode | null | undefined): string | undefined {
  if (node === null || node === undefined || node.kind !== 'scalar') return undefined
  if (node.value === null) return undefined
  return typeof node.value === 'string' ? node.value : String(node.value)
}
