/**
 * JSON Schemas of rule, catalog and config files (docs/rule-format.md). They live in the source so
 * the bundle carries them. Every object is closed: an unknown key is an error.
 */

const str = { type: 'string', minLength: 1 }
const bool = { type: 'boolean' }
const strList = { type: 'array', items: str }
const strOrList = {
  description: 'a string or a list of strings',
  anyOf: [str, { type: 'array', items: str, minItems: 1 }]
}
const severity = { enum: ['error', 'warning', 'notice'], description: 'error, warning or notice' }
const pattern = { type: 'string', minLength: 1, description: 'a regular expression (RE2 syntax)' }
const id = {
  type: 'string',
  pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
  description: 'a kebab-case id (lower-case letters, digits and dashes)'
}
const alias = {
  type: 'string',
  pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
  description: 'an alias name (letters, digits, underscore)'
}
const numberCmp = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  description: 'a comparison {gt, gte, lt, lte: number}',
  properties: {
    gt: { type: 'number' },
    gte: { type: 'number' },
    lt: { type: 'number' },
    lte: { type: 'number' }
  }
}
const minutesOperand = {
  description: 'a number of minutes, `lifetime` or `lifetime * F`',
  anyOf: [
    { type: 'number' },
    { type: 'string', pattern: '^\\s*lifetime(\\s*\\*\\s*[0-9]+(\\.[0-9]+)?)?\\s*$' }
  ]
}
const timeCmp = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  description: 'a comparison {gt, gte, lt, lte} with minutes or `lifetime`',
  properties: { gt: minutesOperand, gte: minutesOperand, lt: minutesOperand, lte: minutesOperand }
}
const inputValue = {
  description:
    'true (present), false (absent), a string to equal, or {equals, pattern, present, number, expression}',
  anyOf: [
    { type: ['string', 'boolean', 'number'] },
    {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        equals: { type: ['string', 'number', 'boolean'] },
        pattern,
        present: bool,
        number: numberCmp,
        expression: bool
      }
    }
  ]
}
const catalogField = strOrList
/** Extra fields of catalog entries (`store: SSM Parameter Store`): scalars, matched and shown as strings. */
const fieldName = { pattern: '^[a-z][a-z0-9-]*$', description: 'a lower-case field name' }
const extraField = {
  type: ['string', 'number', 'boolean'],
  description: 'a scalar field (string, number or boolean)'
}
const duration = {
  description: 'a duration: a number (in `unit`), or "3600s", "90m", "2h"',
  anyOf: [
    { type: 'number', minimum: 0 },
    {
      type: 'string',
      pattern: '^\\s*([0-9]+(\\.[0-9]+)?\\s*[smh]?|([0-9]+h)?([0-9]+m)?([0-9]+s)?)\\s*$'
    }
  ]
}

const stepPredicate = {
  type: 'object',
  additionalProperties: false,
  properties: {
    uses: strOrList,
    'uses-ref': str,
    with: { type: 'object', additionalProperties: inputValue },
    env: { type: 'object', additionalProperties: inputValue },
    run: pattern,
    text: pattern,
    if: {
      description: 'a regular expression, or false (no `if`) / true (has an `if`)',
      type: ['string', 'boolean']
    },
    name: pattern,
    timeout: numberCmp,
    catalog: {
      type: 'object',
      required: ['kind'],
      propertyNames: fieldName,
      additionalProperties: catalogField,
      properties: {
        kind: { enum: ['auth', 'secret-read', 'cloud-use', 'refresh', 'duration'] }
      }
    },
    'same-step-as': alias,
    'not-same-step-as': alias,
    expanded: bool,
    'in-composite': bool,
    all: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } },
    any: { type: 'array', minItems: 1, items: { $ref: '#/$defs/step' } },
    not: { $ref: '#/$defs/step' }
  }
}

const levelValue = { enum: ['none', 'read', 'write'] }
const jobPredicate = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    permissions: {
      type: 'object',
      additionalProperties: {
        description: 'none, read or write, a list of them, or {not: …}',
        anyOf: [
          levelValue,
          { type: 'array', items: levelValue, minItems: 1 },
          {
            type: 'object',
            additionalProperties: false,
            required: ['not'],
            properties: {
              not: { anyOf: [levelValue, { type: 'array', items: levelValue, minItems: 1 }] }
            }
          }
        ]
      }
    },
    triggers: strOrList,
    timeout: numberCmp,
    reusable: bool,
    matrix: bool,
    kind: { enum: ['workflow', 'composite'] },
    all: { type: 'array', minItems: 1, items: { $ref: '#/$defs/job' } },
    any: { type: 'array', minItems: 1, items: { $ref: '#/$defs/job' } },
    not: { $ref: '#/$defs/job' }
  }
}

const condition = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  description: 'one of between, time, step, all, any, not',
  properties: {
    between: {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to'],
      properties: {
        from: alias,
        to: alias,
        none: { $ref: '#/$defs/step' },
        some: { $ref: '#/$defs/step' },
        as: alias
      }
    },
    time: {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to'],
      properties: {
        from: alias,
        to: alias,
        'lifetime-of': alias,
        inclusive: bool,
        estimated: timeCmp,
        bound: timeCmp
      }
    },
    step: {
      type: 'object',
      additionalProperties: false,
      required: ['alias', 'where'],
      properties: { alias, where: { $ref: '#/$defs/step' } }
    },
    all: { type: 'array', minItems: 1, items: { $ref: '#/$defs/condition' } },
    any: { type: 'array', minItems: 1, items: { $ref: '#/$defs/condition' } },
    not: { $ref: '#/$defs/condition' }
  }
}

const defs = { step: stepPredicate, job: jobPredicate, condition }

export const ruleSchema = {
  $id: 'urn:prevent-similar-bugs:rule',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'severity', 'message', 'recommendation', 'match'],
  $defs: defs,
  properties: {
    id,
    title: str,
    severity,
    message: str,
    recommendation: str,
    references: strList,
    tags: strList,
    match: {
      type: 'object',
      additionalProperties: false,
      properties: {
        job: { $ref: '#/$defs/job' },
        steps: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['as', 'where'],
            properties: { as: alias, where: { $ref: '#/$defs/step' } }
          }
        },
        report: alias,
        conditions: { type: 'array', items: { $ref: '#/$defs/condition' } }
      }
    },
    levels: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['severity'],
        properties: { severity, when: { type: 'array', items: { $ref: '#/$defs/condition' } } }
      }
    },
    'quick-fix': bool,
    'skip-if-reported': { type: 'array', items: id }
  }
}

const providerEntry = (providerRequired: boolean) => ({
  type: 'object',
  propertyNames: fieldName,
  additionalProperties: extraField,
  required: providerRequired ? ['id', 'provider', 'where'] : ['id', 'where'],
  properties: { id, provider: str, where: { $ref: '#/$defs/step' }, description: str }
})

export const catalogSchema = {
  $id: 'urn:prevent-similar-bugs:catalog',
  type: 'object',
  additionalProperties: false,
  $defs: defs,
  properties: {
    auth: {
      type: 'array',
      items: {
        type: 'object',
        propertyNames: fieldName,
        additionalProperties: extraField,
        required: ['id', 'provider', 'where'],
        properties: {
          id,
          provider: str,
          description: str,
          where: { $ref: '#/$defs/step' },
          modes: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['mode', 'where'],
              properties: { mode: str, where: { $ref: '#/$defs/step' } }
            }
          },
          lifetime: {
            description: '`refreshing`, or {input, unit, default, max, caps}',
            anyOf: [
              { const: 'refreshing' },
              {
                type: 'object',
                additionalProperties: false,
                properties: {
                  input: str,
                  unit: { enum: ['seconds', 'minutes'] },
                  default: duration,
                  max: duration,
                  caps: {
                    type: 'array',
                    items: {
                      type: 'object',
                      additionalProperties: false,
                      required: ['where', 'max'],
                      properties: { where: { $ref: '#/$defs/step' }, max: duration, reason: str }
                    }
                  }
                }
              }
            ]
          }
        }
      }
    },
    'secret-read': { type: 'array', items: providerEntry(true) },
    'cloud-use': { type: 'array', items: providerEntry(true) },
    refresh: { type: 'array', items: providerEntry(false) },
    durations: {
      type: 'object',
      additionalProperties: false,
      properties: {
        'default-minutes': { type: 'number', minimum: 0 },
        entries: {
          type: 'array',
          items: {
            type: 'object',
            propertyNames: fieldName,
            additionalProperties: extraField,
            required: ['category', 'minutes', 'where'],
            properties: {
              id,
              category: str,
              minutes: { type: 'number', minimum: 0 },
              where: { $ref: '#/$defs/step' },
              description: str
            }
          }
        }
      }
    }
  }
}

export const configSchema = {
  $id: 'urn:prevent-similar-bugs:config',
  type: 'object',
  additionalProperties: false,
  properties: {
    disable: { type: 'array', items: str },
    enable: { type: 'array', items: str },
    severity: {
      type: 'object',
      additionalProperties: {
        enum: ['error', 'warning', 'notice', 'off'],
        description: 'error, warning, notice or off'
      }
    },
    ignore: { type: 'array', items: str },
    rules: { type: 'array', items: str },
    catalog: { $ref: 'urn:prevent-similar-bugs:catalog' },
    'quick-fix-warning-days': { type: 'integer', minimum: 0 }
  }
}
