import { describe, expect, test } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { Ajv, type ValidateFunction } from 'ajv'
import { parse } from 'yaml'
import { catalogSchema, configSchema, ruleSchema } from '../../src/rules/schema.js'
import * as generated from '../../src/rules/validators.generated.js'

// The validators the CLI runs are generated at build time (scripts/gen-validators.mjs). They must
// answer exactly as ajv compiling the schemas of schema.ts now would, errors included: that also
// fails when schema.ts changed and the file was not regenerated.
const ajv = new Ajv({ allErrors: false, verbose: true, strict: false })
ajv.addSchema(catalogSchema)
const reference: Record<string, ValidateFunction> = {
  rule: ajv.compile(ruleSchema),
  catalog: ajv.getSchema(catalogSchema.$id) as ValidateFunction,
  config: ajv.compile(configSchema)
}
const ours = generated as unknown as Record<string, ValidateFunction>

const RULES = join(import.meta.dirname, '../../rules')
const yamlIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => parse(readFileSync(join(dir, f), 'utf8')) as unknown)

const SAMPLES: Record<string, unknown[]> = {
  rule: yamlIn(RULES),
  catalog: yamlIn(join(RULES, 'catalog')),
  config: [
    {
      disable: ['a'],
      severity: { 'late-secrets-loading': 'off' },
      rules: ['r'],
      'quick-fix-warning-days': 3,
      catalog: yamlIn(join(RULES, 'catalog'))[0]
    }
  ]
}

type Path = (string | number)[]

function paths(v: unknown, at: Path = []): Path[] {
  const out: Path[] = [at]
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])))
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]))
  return out
}

const VALUES: unknown[] = [
  'x',
  '',
  'lifetime * 2',
  '90m',
  1,
  -1,
  2.5,
  true,
  false,
  null,
  [],
  ['a'],
  {},
  { 'Bad-Key': 1 },
  { kind: 'auth' },
  { gt: 'x' },
  { not: 'write' },
  { run: 'a' }
]

/** The value with one change at `path`: replaced, removed, or given an extra key. */
function mutate(v: unknown, path: Path, op: number, value: unknown): unknown {
  const copy = structuredClone(v)
  if (path.length === 0) return op === 0 ? value : copy
  let node = copy as Record<string | number, unknown>
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>
  const last = path[path.length - 1]
  if (op === 0) node[last] = value
  else if (op === 1) {
    if (Array.isArray(node)) node.splice(last as number, 1)
    else delete node[last]
  } else {
    const target = node[last]
    if (target && typeof target === 'object' && !Array.isArray(target))
      (target as Record<string, unknown>)['extra-key'] = value
    else node[last] = value
  }
  return copy
}

describe('generated validators', () => {
  for (const kind of ['rule', 'catalog', 'config']) {
    test(`${kind}: the same answers and errors as ajv compiling schema.ts`, () => {
      for (const sample of SAMPLES[kind]) {
        expect(ours[kind](sample)).toBe(true)
        expect(reference[kind](sample)).toBe(true)
        const all = paths(sample)
        fc.assert(
          fc.property(
            fc.nat(all.length - 1),
            fc.nat(2),
            fc.constantFrom(...VALUES),
            (i, op, value) => {
              const data = mutate(sample, all[i], op, value)
              const want = reference[kind](data)
              expect(ours[kind](data)).toBe(want)
              expect(ours[kind].errors ?? null).toEqual(reference[kind].errors ?? null)
            }
          ),
          { numRuns: 200, seed: 7 }
        )
      }
    })
  }
  test('a wrong value is reported with its path, keyword and the schema around it', () => {
    expect(ours.rule({ ...(SAMPLES.rule[0] as object), severity: 'fatal' })).toBe(false)
    expect(ours.rule.errors?.[0]).toMatchObject({
      instancePath: '/severity',
      keyword: 'enum',
      parentSchema: { description: 'error, warning or notice' }
    })
  })
})
