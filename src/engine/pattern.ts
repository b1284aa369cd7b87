/**
 * Regular expressions of rule, catalog and config files: compiled once by RE2 (linear-time matching,
 * no backtracking), and run on at most MAX_PATTERN_INPUT characters of any text.
 *
 * Speed: most steps match none of the catalog's patterns, so each pattern first checks the literals
 * any match must contain (RE2's prefilter tree: exact strings combined by AND / OR) with the native
 * `String.prototype.includes`. For a pattern that starts with `(?i)` the literals come from the
 * case-sensitive form of the pattern and are compared lower-cased. Only texts that pass run the RE2
 * automaton.
 */
import { RE2JS } from 're2js'

/** Patterns look at the first 1 MiB of a text (a longer run script is reported as `input-truncated`). */
export const MAX_PATTERN_INPUT = 1024 * 1024

const MEMO_MAX_LENGTH = 200
const MEMO_MAX_ENTRIES = 20_000

export interface Pattern {
  source: string
  test(text: string): boolean
}

/** A necessary condition on the text: literals that must appear (all of / any of). */
type Literals = { all: Literals[] } | { any: Literals[] } | { str: string }

interface Re2Prefilter {
  type: number
  str: string
  subs: Re2Prefilter[]
}

/** Reads re2js's prefilter tree (types NONE 0, EXACT 1, AND 2, OR 3); undefined when there is none. */
function literalsOf(pf: Re2Prefilter | null | undefined, lower: boolean): Literals | undefined {
  if (!pf || typeof pf.type !== 'number') return undefined
  switch (pf.type) {
    case 1:
      return typeof pf.str === 'string' && pf.str.length > 0
        ? { str: lower ? pf.str.toLowerCase() : pf.str }
        : undefined
    case 2: {
      // AND: the known parts still form a necessary condition
      const subs = (pf.subs ?? [])
        .map((s) => literalsOf(s, lower))
        .filter((s): s is Literals => s !== undefined)
      return subs.length ? { all: subs } : undefined
    }
    case 3: {
      // OR: only if every branch is known
      const subs = (pf.subs ?? []).map((s) => literalsOf(s, lower))
      return subs.length && subs.every((s) => s !== undefined)
        ? { any: subs as Literals[] }
        : undefined
    }
    default:
      return undefined
  }
}

function holds(l: Literals, text: string): boolean {
  if ('str' in l) return text.includes(l.str)
  if ('all' in l) return l.all.every((x) => holds(x, text))
  return l.any.some((x) => holds(x, text))
}

function prefilterOf(re: RE2JS): Re2Prefilter | null | undefined {
  return (re as unknown as { re2Input?: { prefilter?: Re2Prefilter | null } }).re2Input?.prefilter
}

let lastText = ''
let lastLower = ''
function lowered(text: string): string {
  if (text !== lastText) {
    lastText = text
    lastLower = text.toLowerCase()
  }
  return lastLower
}

/** Compiles an RE2 pattern; throws an Error with RE2's explanation when it cannot. */
export function compilePattern(source: string): Pattern {
  let re: RE2JS
  try {
    re = RE2JS.compile(source)
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    throw new Error(
      `invalid regular expression \`${source}\` (RE2 syntax: no backreferences or lookaround): ${msg}`
    )
  }
  let literals: Literals | undefined
  let lower = false
  const ci = /^\(\?i\)/.test(source) && !source.slice(4).includes('(?')
  if (ci) {
    try {
      literals = literalsOf(prefilterOf(RE2JS.compile(source.slice(4))), true)
      lower = literals !== undefined
    } catch {
      literals = undefined
    }
  } else if (!source.includes('(?')) {
    literals = literalsOf(prefilterOf(re), false)
  }
  const memo = new Map<string, boolean>()
  const run = (text: string): boolean => {
    const t = text.length > MAX_PATTERN_INPUT ? text.slice(0, MAX_PATTERN_INPUT) : text
    if (literals && !holds(literals, lower ? lowered(t) : t)) return false
    // short texts (`npm ci`, `make test`) recur across workflows: remember their results
    if (t.length <= MEMO_MAX_LENGTH) {
      let r = memo.get(t)
      if (r === undefined) {
        r = re.test(t)
        if (memo.size < MEMO_MAX_ENTRIES) memo.set(t, r)
      }
      return r
    }
    return re.test(t)
  }
  return { source, test: run }
}
