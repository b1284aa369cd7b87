/** Schema validation of rule, catalog and config files, with errors that name the file, line and field. */
import type { ErrorObject, ValidateFunction } from 'ajv'
// The schemas of schema.ts, compiled by ajv at build time (scripts/gen-validators.mjs): no schema
// compilation at run time.
import * as generated from './validators.generated.js'
import type { DataPath, YamlSource } from './yaml-source.js'

type Kind = 'rule' | 'catalog' | 'config'

const validators = generated as unknown as Record<Kind, ValidateFunction>

const RANK: Record<string, number> = {
  additionalProperties: 0,
  required: 1,
  enum: 2,
  const: 2,
  anyOf: 3
}

function pathOf(instancePath: string): DataPath {
  if (!instancePath) return []
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
}

/** Picks the most telling error: the deepest, then the most specific keyword. */
function pick(errors: ErrorObject[]): ErrorObject {
  let best = errors[0]
  const depth = (e: ErrorObject) => pathOf(e.instancePath).length
  for (const e of errors) {
    const d = depth(e) - depth(best)
    if (d > 0 || (d === 0 && (RANK[e.keyword] ?? 4) < (RANK[best.keyword] ?? 4))) best = e
  }
  return best
}

function describe(e: ErrorObject): { message: string; key?: string } {
  const desc = (e.parentSchema as { description?: string } | undefined)?.description
  const p = e.params as Record<string, unknown>
  if (typeof p.propertyName === 'string')
    return {
      message: `invalid key \`${p.propertyName}\` (expected ${desc ?? 'a lower-case name'})`,
      key: p.propertyName
    }
  switch (e.keyword) {
    case 'additionalProperties':
      return {
        message: `unknown key \`${String(p.additionalProperty)}\``,
        key: String(p.additionalProperty)
      }
    case 'required':
      return { message: `\`${String(p.missingProperty)}\` is required` }
    case 'enum':
      return {
        message: `expected ${desc ?? `one of ${(p.allowedValues as unknown[]).join(', ')}`}`
      }
    case 'const':
      return { message: `expected ${JSON.stringify(p.allowedValue)}` }
    case 'type':
      return { message: `expected ${desc ?? `a ${String(p.type).replace(',', ' or ')}`}` }
    case 'pattern':
      return { message: `expected ${desc ?? `a value matching ${String(p.pattern)}`}` }
    case 'anyOf':
      return { message: `expected ${desc ?? 'a different shape'}` }
    case 'minProperties':
      return { message: 'must not be empty' }
    case 'maxProperties':
      return { message: `expected ${desc ?? 'fewer keys'} (only one key)` }
    case 'minItems':
      return { message: 'must not be an empty list' }
    default:
      return { message: e.message ?? 'invalid' }
  }
}

/** Throws a UserError (file, line, field, what was expected) unless the source's data fits the schema. */
export function validateSource(
  kind: Kind,
  src: YamlSource,
  data: unknown = src.data,
  base: DataPath = []
): void {
  const validate = validators[kind]
  if (validate(data)) return
  const err = pick(validate.errors ?? [])
  const { message, key } = describe(err)
  throw src.error([...base, ...pathOf(err.instancePath)], `${message} (in a ${kind} file)`, key)
}
