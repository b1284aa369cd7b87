/** The repository's config file (`.github/prevent-similar-bugs.yml`): validated, kebab-case keys to camelCase. */
import type { Config } from '../engine/api.js'
import { parseYamlSource, type YamlSource } from '../rules/yaml-source.js'
import { validateSource } from '../rules/validate.js'

export const DEFAULT_QUICK_FIX_WARNING_DAYS = 7

const SOURCE: unique symbol = Symbol('prevent-similar-bugs.config-source')

export function defaultConfig(): Config {
  return {
    disable: [],
    enable: [],
    severity: {},
    ignore: [],
    rules: [],
    quickFixWarningDays: DEFAULT_QUICK_FIX_WARNING_DAYS,
    source: ''
  }
}

/** Parses and validates a config file's text; throws UserError (file, line, field) when it is wrong. */
export function loadConfig(text: string, path: string): Config {
  const src = parseYamlSource(text, path)
  const config = defaultConfig()
  config.source = path
  if (src.data === null || src.data === undefined) return config
  validateSource('config', src)
  const d = src.data as Record<string, unknown>
  if (d.disable) config.disable = d.disable as string[]
  if (d.enable) config.enable = d.enable as string[]
  if (d.severity) config.severity = d.severity as Config['severity']
  if (d.ignore) config.ignore = d.ignore as string[]
  if (d.rules) config.rules = d.rules as string[]
  if (d.catalog !== undefined) config.catalog = d.catalog
  if (d['quick-fix-warning-days'] !== undefined)
    config.quickFixWarningDays = d['quick-fix-warning-days'] as number
  Object.defineProperty(config, SOURCE, { value: src, enumerable: false })
  return config
}

/** The parsed file behind a config (for error lines), when it came from loadConfig. */
export function configSource(config: Config): YamlSource | undefined {
  return (config as unknown as Record<symbol, YamlSource | undefined>)[SOURCE]
}
