/**
 * The one place where text the pull request controls (file names, step and job names, inputs, and the
 * messages and recommendations rules fill from them) is made safe for an output format.
 *
 * Markdown (PR comment, job summary): no raw HTML (so no injected `<!-- marker -->` either), no
 * @mentions or team mentions, no issue or pull-request references, no autolinked URLs, no links or
 * images, no table breakouts. Workflow commands (annotations, log lines): no `::command` can start a
 * line of stdout.
 */

/** Zero-width space: breaks a mention, a reference or an autolink without changing what is read. */
const ZWSP = '\u200b'

/** ASCII punctuation that CommonMark/GFM give a meaning to; each may be backslash-escaped. */
const MD_SPECIAL = /[\\`*_{}[\]()#+\-.!|<>~&=$]/g

/** Breaks what GitHub links or notifies on, in text that is not code: mentions, refs, URLs. */
function defuse(text: string): string {
  return (
    text
      // @user, @org/team, user@example.com: the mention and email autolinks need the @ followed by a word
      .replace(/@(?=[\w-])/g, `@${ZWSP}`)
      // #123, GH-123, owner/repo#123: references and backlinks
      .replace(/#(?=\w)/g, `#${ZWSP}`)
      .replace(/\b(GH)-(?=\d)/gi, `$1-${ZWSP}`)
      // scheme://…, www.…: GFM autolinks
      .replace(/:\/\//g, `:${ZWSP}//`)
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWSP}.`)
  )
}

/** One line: control characters (CR, LF, tabs, others) become spaces; nothing is dropped silently. */
export function oneLine(text: string): string {
  return (
    text
      .replace(/\r\n?|\n/g, ' ')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/g, ' ')
  )
}

/** Plain text shown literally in markdown prose or a table cell: every markdown character escaped. */
export function mdText(text: string): string {
  return defuse(oneLine(text)).replace(MD_SPECIAL, (c) => `\\${c}`)
}

/** Text inside an inline code span (content is inert; a table cell still needs `|` escaped). */
export function mdCode(text: string, opts: { table?: boolean } = {}): string {
  let body = oneLine(text)
  if (opts.table) body = body.replace(/\|/g, '\\|')
  const runs = body.match(/`+/g) ?? []
  const longest = runs.reduce((n, r) => Math.max(n, r.length), 0)
  const fence = '`'.repeat(longest + 1)
  const pad = body.startsWith('`') || body.endsWith('`') || /^ .* $/.test(body) ? ' ' : ''
  if (body === '') return `${fence} ${fence}`
  return `${fence}${pad}${body}${pad}${fence}`
}

/** A part of a line: plain text, or the content of a code span (without its backticks). */
interface Part {
  code: boolean
  text: string
  /** For code parts: the span as written, backticks included. */
  raw?: string
}

/**
 * Splits a line at its code spans by CommonMark's rule: a run of N backticks opens a span only if a
 * later run of exactly N backticks closes it. With `markdown`, a backslash escapes the next character
 * (the line is markdown source); without, backslashes are plain text (the line is literal text).
 */
function splitCodeSpans(line: string, markdown: boolean): Part[] {
  const parts: Part[] = []
  let plain = ''
  let i = 0
  while (i < line.length) {
    if (markdown && line[i] === '\\' && i + 1 < line.length) {
      plain += line.slice(i, i + 2)
      i += 2
      continue
    }
    if (line[i] !== '`') {
      plain += line[i]
      i++
      continue
    }
    let j = i
    while (j < line.length && line[j] === '`') j++
    const runLength = j - i
    let close = -1
    for (let k = j; k < line.length;) {
      if (line[k] !== '`') {
        k++
        continue
      }
      let m = k
      while (m < line.length && line[m] === '`') m++
      if (m - k === runLength) {
        close = k
        break
      }
      k = m
    }
    if (close < 0) {
      // an unmatched run is literal; in markdown source, escape it so nothing later pairs with it
      plain += markdown ? line.slice(i, j).replace(/`/g, '\\`') : line.slice(i, j)
      i = j
      continue
    }
    parts.push({ code: false, text: plain })
    plain = ''
    let content = line.slice(j, close)
    // CommonMark strips one space on both sides when both are there and the content is not all spaces
    if (content.length > 2 && content.startsWith(' ') && content.endsWith(' ') && content.trim()) {
      content = content.slice(1, -1)
    }
    parts.push({ code: true, text: content, raw: line.slice(i, close + runLength) })
    i = close + runLength
  }
  parts.push({ code: false, text: plain })
  return parts.filter((p) => p.code || p.text !== '')
}

/**
 * A one-line message that may use code spans (`like this`, as rules write labels): code spans are
 * kept (their content is inert), all other text is shown literally. Whatever the PR put in, every
 * character ends up either inside a code span or escaped.
 */
export function mdInline(text: string, opts: { table?: boolean } = {}): string {
  return splitCodeSpans(oneLine(text), false)
    .map((p) => (p.code ? mdCode(p.text, opts) : mdText(p.text)))
    .join('')
}

/** Text inside an HTML element on a line that markdown does not process (`<summary>`). */
export function htmlText(text: string): string {
  // Mentions, references and links are broken first, so that the entities made below (`&#39;`)
  // are not broken in turn.
  return oneLine(text)
    .replace(/@(?=[\w-])/g, `@${ZWSP}`)
    .replace(/#(?=\w)/g, `#${ZWSP}`)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** Like mdInline, for an HTML line (`<summary>`): code spans become `<code>`, all text escaped. */
export function htmlInline(text: string): string {
  return splitCodeSpans(oneLine(text), false)
    .map((p) => (p.code ? `<code>${htmlText(p.text)}</code>` : htmlText(p.text)))
    .join('')
}

/** Encodes a repository path for a URL, segment by segment. */
export function urlPath(path: string): string {
  return path
    .split('/')
    .map((s) =>
      encodeURIComponent(s).replace(
        /[()'!*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
      )
    )
    .join('/')
}

const FENCE_LINE = /^( {0,3})(`{3,}|~{3,})(.*)$/

/**
 * A markdown block written by a rule (a recommendation) with values from the pull request filled in.
 * Kept as markdown so its structure, emphasis, lists and YAML examples read as the rule author wrote
 * them, but made inert where the PR could inject: fenced code blocks are re-fenced so nothing inside
 * can close them; outside code, raw HTML is escaped, mentions, references and bare URLs are broken,
 * and links or images are kept only when they appear verbatim in `trusted` (the rule's own template,
 * which comes from the rule file, not the pull request).
 */
export function mdBlock(text: string, trusted = ''): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const out: string[] = []
  let i = 0
  while (i < lines.length) {
    const open = FENCE_LINE.exec(lines[i])
    if (open && !(open[2][0] === '`' && open[3].includes('`'))) {
      const marker = open[2]
      const info = open[3].trim().replace(/[^\w+.-]/g, '')
      const body: string[] = []
      i++
      while (i < lines.length) {
        const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[i])
        if (close && close[1][0] === marker[0] && close[1].length >= marker.length) break
        body.push(lines[i])
        i++
      }
      i++ // the closing fence (or past the end)
      const longest = body.reduce((n, l) => {
        const runs = l.match(/`{3,}|~{3,}/g) ?? []
        return Math.max(n, ...runs.map((r) => r.length))
      }, 0)
      const fence = '`'.repeat(Math.max(3, longest + 1))
      out.push(`${open[1]}${fence}${info}`, ...body, `${open[1]}${fence}`)
      continue
    }
    // A paragraph (prose lines up to a blank line or a fence): a code span may run over a line break.
    const para: string[] = []
    while (i < lines.length && lines[i].trim() !== '' && !FENCE_LINE.test(lines[i]))
      para.push(lines[i++])
    if (para.length === 0) {
      out.push(lines[i++])
      continue
    }
    out.push(mdProseLine(para.join('\n'), trusted))
  }
  return out.join('\n')
}

/** Prose (a paragraph): code spans kept, the rest made inert but still markdown. */
function mdProseLine(line: string, trusted: string): string {
  return splitCodeSpans(line, true)
    .map((p) => {
      if (p.code) return p.raw ?? ''
      // Links and images: keep the ones the rule itself wrote; escape the others' brackets.
      const re = /!?\[[^\]\n]*\]\([^)\s]*\)/g
      let out = ''
      let last = 0
      for (let m = re.exec(p.text); m; m = re.exec(p.text)) {
        if (m.index > 0 && p.text[m.index - 1] === '\\') continue
        out += prose(p.text.slice(last, m.index))
        const link = m[0]
        if (!link.startsWith('!') && trusted.includes(link)) {
          const split = link.lastIndexOf('](')
          out += `${prose(link.slice(0, split))}](${link.slice(split + 2).replace(/&/g, '&amp;')}`
        } else {
          out += prose(link.replace(/[[\]!()]/g, (c) => `\\${c}`))
        }
        last = m.index + link.length
      }
      return out + prose(p.text.slice(last))
    })
    .join('')
}

/** Markdown prose outside code and kept links: raw HTML and what GitHub links or notifies on. */
function prose(text: string): string {
  return defuse(text.replace(/&/g, '&amp;').replace(/</g, '&lt;'))
}

/** A workflow command's message: `%`, CR and LF escaped (so the command cannot end early). */
export function commandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** A workflow command's property value: as data, plus `:` and `,`. */
export function commandProperty(text: string): string {
  return commandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/**
 * Text from the pull request going into a log line (core.info and friends): a workflow command is only
 * read at the start of a line, so line breaks are shown as `\n` and the line cannot start a command.
 */
export function logText(text: string): string {
  return text.replace(/\r/g, '\\r').replace(/\n/g, '\\n')
}
