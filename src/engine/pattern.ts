/**
 * Regular expressions of rule, catalog and config files: compiled once by RE2 (linear-time matching,
 * no backtracking), and run on at most MAX_PATTERN_INPUT characters of any text.
 */
import { RE2JS } from 're2js'

/** Patterns look at the first 1 MiB of a text (a longer run script is reported as `input-truncated`). */
export const MAX_PATTERN_INPUT = 1024 * 1024

export interface Pattern {
  source: string
  test(text: string): boolean
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
  return {
    source,
    test: (text: string) =>
      re.test(text.length > MAX_PATTERN_INPUT ? text.slice(0, MAX_PATTERN_INPUT) : text)
  }
}
