/**
 * The YAML tree the workflow model is read from: mappings, lists, scalars and aliases with their
 * source offsets, and nothing else (no comments, no tags, no schema objects).
 *
 * Two ways build it from the same tokens of `yaml`'s parser (its concrete syntax tree):
 * - `composeFast` reads the tokens directly. It handles the YAML that workflows are written in
 *   (block mappings and lists, flow collections, plain, quoted and block scalars, anchors on values,
 *   aliases, comments) and gives up (`undefined`) on anything else: tags, directives, explicit keys,
 *   several documents, tabs in indentation, a token `yaml` would report as an error. It mirrors the
 *   checks of `yaml`'s composer for what it accepts, so a file it reads is one `yaml` reads without
 *   an error, into the same tree (the corpus run and a property test compare the two on every file).
 * - otherwise `yaml`'s own composer builds its `Document` from the same tokens (no second parse),
 *   with its error messages, and `fromDocument` converts its nodes.
 * The reason for the first: composing `yaml`'s Document costs about a third of parsing a file, and
 * the workflow model needs none of what makes it general.
 */
import { CST, isAlias, isMap, isScalar, isSeq, Parser, Schema } from 'yaml'
import type { Node as YamlNode, Pair as YamlPair } from 'yaml'

/** Start offset, end of the value, end including trailing comments (as `yaml`'s `range`). */
export type Range3 = [number, number, number]

export type ScalarStyle =
  'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED'

export interface YScalar {
  kind: 'scalar'
  value: string | number | boolean | null
  style: ScalarStyle
  range: Range3
  anchor: string | undefined
}
export interface YPair {
  key: YNode | null
  value: YNode | null
}
export interface YMap {
  kind: 'map'
  items: YPair[]
  range: Range3
  anchor: string | undefined
}
export interface YSeq {
  kind: 'seq'
  items: (YNode | null)[]
  range: Range3
  anchor: string | undefined
}
export interface YAlias {
  kind: 'alias'
  /** The anchor name it refers to. */
  source: string
  range: Range3
  anchor: undefined
}
export type YNode = YScalar | YMap | YSeq | YAlias

/** The first entry whose key is the scalar `key` (what `yaml`'s `YAMLMap.get(key, true)` answers). */
export function mapGet(map: YMap, key: string): YNode | null | undefined {
  for (const pair of map.items) {
    const k = pair.key
    if (k !== null && k.kind === 'scalar' && k.value === key) return pair.value
  }
  return undefined
}

export function mapHas(map: YMap, key: string): boolean {
  return mapGet(map, key) !== undefined
}

// ---------------------------------------------------------------------------------------------
// The tokens

/**
 * The tokens of `yaml`'s parser for a text (its concrete syntax tree), with `onNewLine` told of each
 * line start (a LineCounter's `addNewLine`).
 *
 * `yaml`'s parser reads `process.env.LOG_TOKENS` (a debugging switch) for every token, and Node's
 * `process.env` asks the C environment on every read: about a quarter of the parse's time on real
 * workflows. While the parser runs (synchronously: nothing else can run meanwhile) `process.env` is
 * a plain object with the two switches `yaml` reads, as they were; the real one is put back in
 * `finally`. Where `process.env` cannot be replaced, the parser runs as it is.
 */
export function parseTokens(text: string, onNewLine?: (offset: number) => void): CST.Token[] {
  const env = process.env
  let swapped = false
  try {
    try {
      process.env = { LOG_TOKENS: env.LOG_TOKENS, LOG_STREAM: env.LOG_STREAM }
      swapped = true
    } catch {
      // not replaceable here: parse with the real one
    }
    return [...new Parser(onNewLine).parse(text)]
  } finally {
    if (swapped) process.env = env
  }
}

// ---------------------------------------------------------------------------------------------
// From yaml's Document (the general path)

/** Converts a node of `yaml`'s Document (composed with the default core schema). */
export function fromDocument(node: unknown): YNode | null {
  if (node === null || node === undefined) return null
  const n = node as YamlNode
  const range = (n.range ? [n.range[0], n.range[1], n.range[2]] : [0, 0, 0]) as Range3
  const anchor = n.anchor || undefined
  if (isScalar(n)) {
    const value = n.value
    return {
      kind: 'scalar',
      value:
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
          ? value
          : value === null || value === undefined
            ? null
            : String(value),
      style: (n.type ?? 'PLAIN') as ScalarStyle,
      range,
      anchor
    }
  }
  if (isMap(n)) {
    const items: YPair[] = []
    for (const pair of n.items as YamlPair[])
      items.push({ key: fromDocument(pair.key), value: fromDocument(pair.value) })
    return { kind: 'map', items, range, anchor }
  }
  if (isSeq(n)) {
    const items: (YNode | null)[] = []
    for (const item of n.items) items.push(fromDocument(item))
    return { kind: 'seq', items, range, anchor }
  }
  if (isAlias(n)) return { kind: 'alias', source: n.source, range, anchor: undefined }
  return null
}

// ---------------------------------------------------------------------------------------------
// Straight from the tokens (the fast path)

type Token = CST.Token
type SourceToken = CST.SourceToken

/** Thrown (and caught by `composeFast`) when the tokens are outside what the fast path reads. */
class GiveUp {}
const GIVE_UP = new GiveUp()
function giveUp(): never {
  throw GIVE_UP
}

/** The core schema's tags that resolve plain scalars, in the order `yaml` tries them. */
const PLAIN_TAGS = new Schema({}).tags.filter(
  (t) => t.default === true && !t.collection && t.test !== undefined
) as unknown as {
  test: RegExp
  resolve: (s: string, onError: (msg: string) => void, options: object) => unknown
}[]
const RESOLVE_OPTIONS = { intAsBigInt: false }

/**
 * Whether a plain scalar might be anything but a string in the core schema: empty, or starting
 * with a character some non-string tag accepts first (~, n, N, t, T, f, F, a digit, + - or .).
 */
function mayBeTyped(s: string): boolean {
  if (s.length === 0) return true
  const c = s.charCodeAt(0)
  return (
    (c >= 48 && c <= 57) || // 0-9
    c === 126 || // ~
    c === 43 || // +
    c === 45 || // -
    c === 46 || // .
    c === 110 || // n
    c === 78 || // N
    c === 116 || // t
    c === 84 || // T
    c === 102 || // f
    c === 70 // F
  )
}

function resolvePlain(s: string): string | number | boolean | null {
  if (!mayBeTyped(s)) return s
  for (const tag of PLAIN_TAGS) {
    if (tag.test.test(s)) {
      const v = tag.resolve(s, giveUp, RESOLVE_OPTIONS)
      const value = isScalar(v) ? v.value : v
      if (
        value === null ||
        typeof value === 'string' ||
        typeof value === 'number' ||
        typeof value === 'boolean'
      )
        return value
      giveUp()
    }
  }
  return s
}

const FLOW_STYLES = {
  scalar: 'PLAIN',
  'single-quoted-scalar': 'QUOTE_SINGLE',
  'double-quoted-scalar': 'QUOTE_DOUBLE'
} as const

/**
 * The value of a flow scalar written on one line with nothing to unfold or unescape (nearly all of
 * them), as `yaml` resolves it; undefined for the others, which `yaml`'s own resolver reads.
 */
function oneLine(token: CST.FlowScalar): string | undefined {
  const src = token.source
  if (src.includes('\n')) return undefined
  if (token.type === 'scalar') {
    // yaml reports a plain value starting with one of these
    const c = src.charCodeAt(0)
    if (c === 9 || c === 44 || c === 37 || c === 124 || c === 62 || c === 64 || c === 96)
      return undefined
    return src
  }
  if (src.length < 2) return undefined
  if (token.type === 'single-quoted-scalar') {
    if (src.charCodeAt(src.length - 1) !== 39) return undefined
    const inner = src.slice(1, -1)
    return inner.includes("''") ? inner.replace(/''/g, "'") : inner
  }
  if (src.charCodeAt(src.length - 1) !== 34 || src.includes('\\')) return undefined
  return src.slice(1, -1)
}

function onScalarError(): void {
  giveUp()
}

/**
 * What the tokens before a node say (the part of `yaml`'s resolveProps the fast path accepts). One
 * object, refilled by each call of `props` (no allocation per node): read what you need from it
 * before the next call.
 */
interface Props {
  found: SourceToken | null
  anchor: SourceToken | null
  comma: SourceToken | null
  hasNewline: boolean
  /** A newline after the anchor. */
  newlineAfterAnchor: boolean
  hasComment: boolean
  /** Offset after the last token. */
  end: number
  /** Offset of the anchor, or `end`. */
  start: number
}
const P: Props = {
  found: null,
  anchor: null,
  comma: null,
  hasNewline: false,
  newlineAfterAnchor: false,
  hasComment: false,
  end: 0,
  start: 0
}

/**
 * Reads the tokens before a node: spaces (no tabs), newlines, comments that follow white space,
 * at most one `indicator`, and an anchor after it when `anchors` allows. Anything else gives up.
 * The answer is in `P`.
 */
function props(
  tokens: SourceToken[] | undefined,
  indicator: string,
  offset: number,
  startOnNewline: boolean,
  anchors: boolean,
  next: Token | undefined,
  flow = false
): Props {
  let hasSpace = startOnNewline
  let hasNewline = false
  let hasComment = false
  let reqSpace = false
  let found: SourceToken | null = null
  let anchor: SourceToken | null = null
  let comma: SourceToken | null = null
  let newlineAfterAnchor = false
  let end = offset
  if (tokens !== undefined && tokens.length > 0) {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]
      const type = t.type
      if (reqSpace) {
        if (type !== 'space' && type !== 'newline' && type !== 'comma') giveUp()
        reqSpace = false
      }
      if (type === 'space') {
        if (t.source.includes('\t')) giveUp()
        hasSpace = true
      } else if (type === 'newline') {
        hasSpace = true
        hasNewline = true
        if (anchor !== null) newlineAfterAnchor = true
      } else if (type === 'comment') {
        if (!hasSpace) giveUp()
        hasComment = true
      } else if (type === indicator) {
        if (found !== null || anchor !== null) giveUp()
        found = t
        hasSpace = false
      } else if (type === 'anchor') {
        if (!anchors || anchor !== null) giveUp()
        const s = t.source
        if (s.length < 2 || s.endsWith(':')) giveUp()
        anchor = t
        hasSpace = false
        reqSpace = true
      } else if (type === 'comma' && flow) {
        if (comma !== null) giveUp()
        comma = t
        hasSpace = false
      } else {
        giveUp()
      }
    }
    const last = tokens[tokens.length - 1]
    end = last.offset + last.source.length
  }
  if (
    reqSpace &&
    next !== undefined &&
    next.type !== 'space' &&
    next.type !== 'newline' &&
    next.type !== 'comma' &&
    (next.type !== 'scalar' || next.source !== '')
  )
    giveUp()
  P.found = found
  P.anchor = anchor
  P.comma = comma
  P.hasNewline = hasNewline
  P.newlineAfterAnchor = newlineAfterAnchor
  P.hasComment = hasComment
  P.end = end
  P.start = anchor !== null ? anchor.offset : end
  return P
}

/**
 * The tokens after a value: spaces, newlines and comments (after white space, unless `reqSpace` is
 * false, as at the end of a document).
 */
function endOf(end: SourceToken[] | undefined, offset: number, reqSpace = true): number {
  if (end === undefined) return offset
  let hasSpace = false
  for (let i = 0; i < end.length; i++) {
    const t = end[i]
    if (t.type === 'space' || t.type === 'newline') hasSpace = true
    else if (t.type === 'comment') {
      if (reqSpace && !hasSpace) giveUp()
    } else giveUp()
    offset += t.source.length
  }
  return offset
}

/** Where `yaml` puts an empty value: after the last token before it that is not a space or comment. */
function emptyPosition(offset: number, before: SourceToken[] | undefined): number {
  if (before === undefined) return offset
  for (let i = before.length - 1; i >= 0; --i) {
    const t = before[i]
    if (t.type === 'space' || t.type === 'comment' || t.type === 'newline') {
      offset -= t.source.length
      continue
    }
    for (let j = i + 1; j < before.length && before[j].type === 'space'; j++)
      offset += before[j].source.length
    break
  }
  return offset
}

class FastComposer {
  depth = 0
  constructor(readonly maxDepth: number) {}

  empty(offset: number, before: SourceToken[] | undefined, p: Props): YScalar {
    const at = emptyPosition(offset, before)
    return {
      kind: 'scalar',
      value: null,
      style: 'PLAIN',
      range: [at, at, p.hasComment ? p.end : at],
      anchor: p.anchor !== null ? p.anchor.source.substring(1) : undefined
    }
  }

  node(token: Token, anchor: SourceToken | null): YNode {
    switch (token.type) {
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar': {
        if (token.type !== 'block-scalar') {
          const line = oneLine(token)
          if (line !== undefined) {
            const valueEnd = token.offset + token.source.length
            return {
              kind: 'scalar',
              value: token.type === 'scalar' ? resolvePlain(line) : line,
              style: FLOW_STYLES[token.type],
              range: [token.offset, valueEnd, endOf(token.end, valueEnd)],
              anchor: anchor !== null ? anchor.source.substring(1) : undefined
            }
          }
        }
        const r = CST.resolveAsScalar(token, true, onScalarError)
        if (r === null) giveUp()
        const style = r.type as ScalarStyle
        return {
          kind: 'scalar',
          value: token.type === 'scalar' ? resolvePlain(r.value) : r.value,
          style,
          range: [r.range[0], r.range[1], r.range[2]],
          anchor: anchor !== null ? anchor.source.substring(1) : undefined
        }
      }
      case 'alias': {
        if (anchor !== null) giveUp()
        const s = token.source
        if (s.length < 2 || s.endsWith(':')) giveUp()
        const valueEnd = token.offset + s.length
        return {
          kind: 'alias',
          source: s.substring(1),
          range: [token.offset, valueEnd, endOf(token.end, valueEnd)],
          anchor: undefined
        }
      }
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (++this.depth > this.maxDepth) giveUp()
        const node =
          token.type === 'block-map'
            ? this.blockMap(token)
            : token.type === 'block-seq'
              ? this.blockSeq(token)
              : this.flow(token)
        this.depth--
        if (anchor !== null) node.anchor = anchor.source.substring(1)
        return node
      }
      default:
        return giveUp()
    }
  }

  /** A value after its props; a block list after an anchor needs a newline between them. */
  value(token: Token, p: Props): YNode {
    if (p.anchor !== null && token.type === 'block-seq' && !p.newlineAfterAnchor) giveUp()
    return this.node(token, p.anchor)
  }

  blockMap(bm: CST.BlockMap): YMap {
    const items: YPair[] = []
    let offset = bm.offset
    let commentEnd: number | null = null
    for (const item of bm.items) {
      const { start, key, sep, value } = item as {
        start: SourceToken[]
        key?: Token | null
        sep?: SourceToken[]
        value?: Token
      }
      const kp = props(start, 'explicit-key-ind', offset, true, false, key ?? sep?.[0])
      if (kp.found !== null) giveUp()
      if (!key) {
        // Only comments (or nothing) before the end of the mapping; a key-less entry gives up.
        if (sep !== undefined || value !== undefined) giveUp()
        commentEnd = kp.end
        continue
      }
      const keyStart = kp.start
      if (
        key.type !== 'scalar' &&
        key.type !== 'single-quoted-scalar' &&
        key.type !== 'double-quoted-scalar'
      )
        giveUp()
      if (key.indent !== bm.indent) giveUp()
      if (key.source.includes('\n')) giveUp()
      if (key.end !== undefined) for (const t of key.end) if (t.type === 'newline') giveUp()
      const keyNode = this.node(key, null)
      if (sep === undefined) giveUp()
      const vp = props(sep, 'map-value-ind', keyNode.range[2], false, true, value)
      if (vp.found === null) giveUp()
      if (value !== undefined && value.type === 'block-map' && !vp.hasNewline) giveUp()
      if (keyStart < vp.found.offset - 1024) giveUp()
      const valueNode = value !== undefined ? this.value(value, vp) : this.empty(vp.end, sep, vp)
      offset = valueNode.range[2]
      items.push({ key: keyNode, value: valueNode })
    }
    if (commentEnd !== null && commentEnd < offset) giveUp()
    return {
      kind: 'map',
      items,
      range: [bm.offset, offset, commentEnd ?? offset],
      anchor: undefined
    }
  }

  blockSeq(bs: CST.BlockSequence): YSeq {
    const items: (YNode | null)[] = []
    let offset = bs.offset
    let commentEnd: number | null = null
    for (const { start, value } of bs.items) {
      const p = props(start, 'seq-item-ind', offset, true, true, value)
      if (p.found === null) {
        if (p.anchor !== null || value !== undefined) giveUp()
        commentEnd = p.end
        continue
      }
      const node = value !== undefined ? this.value(value, p) : this.empty(p.end, start, p)
      offset = node.range[2]
      items.push(node)
    }
    return {
      kind: 'seq',
      items,
      range: [bs.offset, offset, commentEnd ?? offset],
      anchor: undefined
    }
  }

  flow(fc: CST.FlowCollection): YMap | YSeq {
    const isMap = fc.start.source === '{'
    const pairs: YPair[] = []
    const values: (YNode | null)[] = []
    let offset = fc.offset + fc.start.source.length
    const n = fc.items.length
    for (let i = 0; i < n; i++) {
      const { start, key, sep, value } = fc.items[i] as {
        start: SourceToken[]
        key?: Token | null
        sep?: SourceToken[]
        value?: Token
      }
      const p = props(start, 'explicit-key-ind', offset, false, false, key ?? sep?.[0], true)
      if (p.found !== null) giveUp()
      if (!key && !sep && !value) {
        // An empty item is only allowed last, after a comma (`[a, b,]`).
        if (i === 0 || i < n - 1) giveUp()
        if (p.comma === null) giveUp()
        offset = p.end
        continue
      }
      if ((i === 0) !== (p.comma === null)) giveUp()
      if (!isMap) {
        if (key || sep || value === undefined) giveUp()
        if (value.type === 'block-map' || value.type === 'block-seq') giveUp()
        const node = this.node(value, null)
        values.push(node)
        offset = node.range[2]
        continue
      }
      if (!key || sep === undefined || value === undefined) giveUp()
      if (
        key.type !== 'scalar' &&
        key.type !== 'single-quoted-scalar' &&
        key.type !== 'double-quoted-scalar'
      )
        giveUp()
      if (value.type === 'block-map' || value.type === 'block-seq') giveUp()
      const keyNode = this.node(key, null)
      const vp = props(sep, 'map-value-ind', keyNode.range[2], false, false, value, true)
      if (vp.found === null || vp.comma !== null) giveUp()
      const valueNode = this.node(value, null)
      pairs.push({ key: keyNode, value: valueNode })
      offset = valueNode.range[2]
    }
    const close = isMap ? '}' : ']'
    const end = fc.end
    if (end.length === 0 || end[0].source !== close) giveUp()
    const cePos = end[0].offset + 1
    const range: Range3 = [fc.offset, cePos, end.length > 1 ? endOf(end.slice(1), cePos) : cePos]
    return isMap
      ? { kind: 'map', items: pairs, range, anchor: undefined }
      : { kind: 'seq', items: values, range, anchor: undefined }
  }

  document(doc: CST.Document): YNode {
    const p = props(doc.start, 'doc-start', doc.offset, true, false, doc.value ?? doc.end?.[0])
    const value = doc.value
    if (value === undefined) giveUp()
    if (
      p.found !== null &&
      (value.type === 'block-map' || value.type === 'block-seq') &&
      !p.hasNewline
    )
      giveUp()
    const node = this.node(value, null)
    endOf(doc.end, node.range[2], false)
    return node
  }
}

/**
 * The tree of a stream of tokens holding one document with content, or `undefined` when the tokens
 * hold anything the fast path does not read (then `yaml`'s composer decides, with its messages).
 */
export function composeFast(tokens: readonly Token[], maxDepth: number): YNode | undefined {
  let doc: CST.Document | undefined
  for (const t of tokens) {
    switch (t.type) {
      case 'document':
        if (doc !== undefined) return undefined
        doc = t
        break
      case 'comment':
      case 'newline':
      case 'space':
      case 'byte-order-mark':
        break
      default:
        return undefined
    }
  }
  if (doc === undefined) return undefined
  try {
    return new FastComposer(maxDepth).document(doc)
  } catch (err) {
    if (err === GIVE_UP) return undefined
    throw err
  }
}
