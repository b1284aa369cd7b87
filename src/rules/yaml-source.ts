/**
 * A YAML file read for its data, keeping the document so that any path into the data can be turned
 * back into a line for error messages.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml'
import { UserError } from '../engine/api.js'

export type DataPath = (string | number)[]

interface Lines {
  doc: Document
  lineCounter: LineCounter
}

export class YamlSource {
  private lines: Lines | undefined
  constructor(
    readonly file: string,
    readonly data: unknown,
    lines: Lines | undefined,
    /** Parses the text for its lines when they are first needed (a source known from a snapshot). */
    private readonly parseLines?: () => Lines
  ) {
    this.lines = lines
  }

  /** The 1-based line of the node at `path` (or of the key `key` inside it); the nearest found ancestor otherwise. */
  lineOf(path: DataPath, key?: string): number | undefined {
    if (!this.lines && this.parseLines) this.lines = this.parseLines()
    if (!this.lines) return undefined
    let node: unknown = this.lines.doc.contents
    let line = this.startLine(node)
    for (const seg of path) {
      const next = child(node, seg)
      if (next === undefined) return line
      if (next.keyNode !== undefined) line = this.startLine(next.keyNode) ?? line
      node = next.value
      line = this.startLine(node) ?? line
    }
    if (key !== undefined) {
      const pair = child(node, key)
      if (pair?.keyNode !== undefined) return this.startLine(pair.keyNode) ?? line
    }
    return line
  }

  /** A UserError naming this file and the line of `path`. */
  error(path: DataPath, message: string, key?: string): UserError {
    const where = path.length || key !== undefined ? `${formatPath(path, key)}: ` : ''
    return new UserError(`${where}${message}`, this.file, this.lineOf(path, key))
  }

  private startLine(node: unknown): number | undefined {
    const range = (node as { range?: [number, number, number] } | null)?.range
    if (!range || !this.lines) return undefined
    return this.lines.lineCounter.linePos(range[0]).line
  }
}

function child(
  node: unknown,
  seg: string | number
): { keyNode?: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue
      const k = isScalar(item.key) ? item.key.value : item.key
      if (String(k) === String(seg)) return { keyNode: item.key, value: item.value }
    }
    return undefined
  }
  if (isSeq(node) && typeof seg === 'number') {
    const item = node.items[seg]
    return item === undefined ? undefined : { value: item }
  }
  return undefined
}

/** `match.steps[1].where.with.role-chaining` */
export function formatPath(path: DataPath, key?: string): string {
  let out = ''
  for (const seg of key === undefined ? path : [...path, key]) {
    if (typeof seg === 'number') out += `[${seg}]`
    else out += out ? `.${seg}` : seg
  }
  return out || '(top level)'
}

function parseLines(text: string): Lines {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  return { doc, lineCounter }
}

/** Parses YAML text; a syntax error (or duplicate key) is a UserError with its line. */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lines = parseLines(text)
  const { doc, lineCounter } = lines
  const err = doc.errors[0]
  if (err) {
    const line = err.linePos?.[0]?.line ?? lineCounter.linePos(err.pos[0]).line
    const msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
    throw new UserError(`not valid YAML: ${msg}`, file, line)
  }
  return new YamlSource(file, doc.toJS({ maxAliasCount: 100 }), lines)
}

/**
 * A source whose data is already known: what parseYamlSource made of this exact text at build time
 * (rules/snapshot.generated.json). The text is parsed only if an error needs a line.
 */
export function knownYamlSource(text: string, file: string, data: unknown): YamlSource {
  return new YamlSource(file, data, undefined, () => parseLines(text))
}

/** A source for data that did not come from a file (built in tests). */
export function plainSource(file: string, data: unknown): YamlSource {
  return new YamlSource(file, data, undefined)
}
