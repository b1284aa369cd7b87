/**
 * Regular expressions of rule, catalog and config files: parsed by RE2 at load (an invalid one is an
 * error there), matched by RE2 (linear time, no backtracking), on at most MAX_PATTERN_INPUT
 * characters of any text.
 *
 * Speed: most steps match none of the catalog's patterns, so each pattern first checks the literals
 * any match must contain (RE2's prefilter tree: exact strings combined by AND / OR) with the native
 * `String.prototype.includes`. For a pattern that starts with `(?i)` the literals come from the
 * case-sensitive form of the pattern and are compared lower-cased. Only texts that pass run the RE2
 * automaton; for a `(?i)` pattern it is compiled the first time a text passes (loading the rules
 * compiles each pattern once, not twice).
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
export type Literals = { all: Literals[] } | { any: Literals[] } | { str: string }

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

function compileRe2(source: string): RE2JS {
  try {
    return RE2JS.compile(source)
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    throw new Error(
      `invalid regular expression \`${source}\` (RE2 syntax: no backreferences or lookaround): ${msg}`
    )
  }
}

/**
 * Past this length a `(?i)` pattern is also compiled as written at load: RE2's size limit counts the
 * runes case folding adds, so only then could the two forms differ in whether they compile.
 */
const EAGER_FOLD_LENGTH = 10_000

interface Compiled {
  literals: Literals | undefined
  lower: boolean
  /** The RE2 program of the pattern as written, compiled the first time a text passes the literals. */
  re: () => RE2JS
}

/**
 * Patterns compiled so far, by source (the same pattern recurs across rules and catalog entries, and
 * across the rule sets a process loads); bounded, like the memos.
 */
const compiled = new Map<string, Compiled>()
const COMPILED_MAX = 10_000

/**
 * Parses the pattern once at load, so that an invalid one is an error there: for a `(?i)` pattern
 * the case-sensitive form (its literals are compared lower-cased), otherwise the pattern as written.
 * Matching needs the pattern as written: a `(?i)` pattern is compiled again as written only when a
 * text first passes its literals (most never do).
 */
function compileOnce(source: string): Compiled {
  const ci = /^\(\?i\)/.test(source) && !source.slice(4).includes('(?')
  if (ci) {
    let re = source.length > EAGER_FOLD_LENGTH ? compileRe2(source) : undefined
    let plain: RE2JS
    try {
      plain = RE2JS.compile(source.slice(4))
    } catch {
      // the error as RE2 words it for the pattern as written (the same fault, in the same place)
      const asWritten = compileRe2(source)
      return { literals: undefined, lower: false, re: () => asWritten }
    }
    const literals = literalsOf(prefilterOf(plain), true)
    return { literals, lower: literals !== undefined, re: () => (re ??= compileRe2(source)) }
  }
  const re = compileRe2(source)
  const literals = source.includes('(?') ? undefined : literalsOf(prefilterOf(re), false)
  return { literals, lower: false, re: () => re }
}

/** What loading a pattern learns besides its program: the literals any match contains. */
export interface PatternFacts {
  literals: Literals | null
  /** The literals are compared with the lower-cased text (a `(?i)` pattern). */
  lower: boolean
}

/**
 * The facts of a pattern (scripts/gen-rules-snapshot.mjs records those of the built-in rules);
 * throws like compilePattern when the pattern is invalid.
 */
export function patternFacts(source: string): PatternFacts {
  const { literals, lower } = compileOnce(source)
  return { literals: literals ?? null, lower }
}

/**
 * Patterns known to be valid, with their facts, from the snapshot of the built-in rules (made by
 * compiling them with this RE2): loading one compiles nothing; it is compiled the first time a text
 * passes its literals.
 */
export function knownPatterns(facts: Map<string, PatternFacts>): void {
  for (const [source, f] of facts) {
    if (compiled.has(source) || compiled.size >= COMPILED_MAX) continue
    let re: RE2JS | undefined
    compiled.set(source, {
      literals: f.literals ?? undefined,
      lower: f.lower,
      re: () => (re ??= compileRe2(source))
    })
  }
}

/** Compiles an RE2 pattern; throws an Error with RE2's explanation when it cannot. */
export function compilePattern(source: string): Pattern {
  let c = compiled.get(source)
  if (!c) {
    c = compileOnce(source)
    if (compiled.size < COMPILED_MAX) compiled.set(source, c)
  }
  return { source, test: matcher(c) }
}

/** The test of a pattern, with its own memo (it lives as long as the rule set that holds it). */
function matcher({ literals, lower, re }: Compiled): (text: string) => boolean {
  const memo = new Map<string, boolean>()
  return (text) => {
    const t = text.length > MAX_PATTERN_INPUT ? text.slice(0, MAX_PATTERN_INPUT) : text
    if (literals && !holds(literals, lower ? lowered(t) : t)) return false
    // short texts (`npm ci`, `make test`) recur across workflows: remember their results
    if (t.length <= MEMO_MAX_LENGTH) {
      let r = memo.get(t)
      if (r === undefined) {
        r = re().test(t)
        if (memo.size < MEMO_MAX_ENTRIES) memo.set(t, r)
      }
      return r
    }
    return re().test(t)
  }
}
