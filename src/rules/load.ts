/**
 * Loads rule folders and catalogs: validates every file against its schema, compiles every pattern,
 * and refuses anything doubtful (unknown keys, duplicate ids, unknown placeholders) with file and line.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { UserError, type Config, type RuleSet } from '../engine/api.js'
import { compileCatalog, compileRule, PredicateRegistry } from '../engine/compile.js'
import { knownPatterns } from '../engine/pattern.js'
import {
  CATALOG_KINDS,
  catalogFieldNames,
  INTERNAL,
  type CatalogEntry,
  type CatalogKind,
  type CompiledCatalog,
  type CompiledRule,
  type LoadedRuleSet
} from '../engine/compiled.js'
import { ENGINE_RULE_IDS } from '../engine/engine-rules.js'
import { configSource } from '../config/config.js'
import { validateSource } from './validate.js'
import { readSnapshot, type Snapshot } from './snapshot.js'
import { knownYamlSource, parseYamlSource, plainSource, type YamlSource } from './yaml-source.js'

export interface LoadOptions {
  /** The built-in rules folder (see paths.ts builtinRulesDir); omitted: no built-in rules. */
  builtinDir?: string
  /** Extra rule folders (absolute, or relative to `root`). */
  dirs?: string[]
  config?: Config
  /** The repository root, against which `config.rules` and relative `dirs` resolve (default: cwd). */
  root?: string
}

const YAML_FILE = /\.ya?ml$/i

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  if (!statSync(dir).isDirectory())
    throw new UserError('expected a folder of catalog files here, found a file', dir)
  return readdirSync(dir)
    .filter((f) => YAML_FILE.test(f) && statSync(join(dir, f)).isFile())
    .sort()
}

function readSource(path: string, snapshot: Snapshot | undefined): YamlSource {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new UserError(`cannot read: ${(e as Error).message}`, path)
  }
  const known = snapshot?.data(text)
  if (known !== undefined) return knownYamlSource(text, path, known)
  return parseYamlSource(text, path)
}

/** Loads and validates the built-in rules, the given folders, config.rules and the config's catalog entries. */
export function loadRuleSet(opts: LoadOptions): RuleSet {
  const root = opts.root ?? process.cwd()
  const reg = new PredicateRegistry()
  const folders: { dir: string; label: string; builtin: boolean }[] = []
  const seenDirs = new Set<string>()
  const addDir = (dir: string, label: string, builtin: boolean) => {
    const abs = resolve(root, dir)
    if (seenDirs.has(abs)) return
    if (!existsSync(abs) || !statSync(abs).isDirectory())
      throw new UserError(
        `rule folder not found: ${dir}`,
        builtin ? undefined : opts.config?.source || undefined
      )
    seenDirs.add(abs)
    folders.push({ dir: abs, label, builtin })
  }
  if (opts.builtinDir) addDir(opts.builtinDir, 'built-in', true)
  const snapshot = opts.builtinDir ? readSnapshot(resolve(root, opts.builtinDir)) : undefined
  if (snapshot) knownPatterns(snapshot.patterns)
  const read = (path: string) => readSource(path, snapshot)
  for (const d of opts.dirs ?? []) addDir(d, d, false)
  for (const d of opts.config?.rules ?? []) addDir(d, d, false)

  // the catalog first: rules do not depend on it at compile time, but a broken catalog should be told first
  const catalog: CompiledCatalog = { entries: emptyEntries(), defaultMinutes: 1 }
  const builtinIds = new Map<string, CatalogEntry>()
  const mergeCatalog = (
    part: { entries: CatalogEntry[]; defaultMinutes?: number },
    builtin: boolean,
    src: YamlSource
  ) => {
    if (part.defaultMinutes !== undefined) catalog.defaultMinutes = part.defaultMinutes
    for (const e of part.entries) {
      const k = `${e.kind}:${e.id}`
      const list = catalog.entries[e.kind]
      const earlier = builtinIds.get(k)
      if (earlier && builtin)
        throw new UserError(
          `duplicate ${e.kind} catalog entry \`${e.id}\` (also in ${earlier.source})`,
          src.file
        )
      if (earlier && !builtin) {
        // a user's entry with a built-in id replaces it
        list.splice(list.indexOf(earlier), 1, e)
        builtinIds.delete(k)
        continue
      }
      if (builtin) builtinIds.set(k, e)
      // entries from users come before built-in ones, so theirs win where several match
      if (builtin) list.push(e)
      else list.splice(userCount(list, builtinIds), 0, e)
    }
  }
  for (const f of folders) {
    const cdir = join(f.dir, 'catalog')
    for (const name of yamlFiles(cdir)) {
      const src = read(join(cdir, name))
      if (src.data === null || src.data === undefined) continue
      validateSource('catalog', src)
      mergeCatalog(
        compileCatalog(src, reg, src.data as Record<string, unknown>, []),
        f.builtin,
        src
      )
    }
  }
  if (opts.config?.catalog !== undefined) {
    const src =
      configSource(opts.config) ??
      plainSource(opts.config.source || 'config', { catalog: opts.config.catalog })
    validateSource('catalog', src, opts.config.catalog, ['catalog'])
    mergeCatalog(
      compileCatalog(src, reg, opts.config.catalog as Record<string, unknown>, ['catalog']),
      false,
      src
    )
  }

  const fieldNames = catalogFieldNames(catalog)
  const rules: CompiledRule[] = []
  const byId = new Map<string, CompiledRule>()
  const sources: RuleSet['sources'] = []
  for (const f of folders) {
    let count = 0
    for (const name of yamlFiles(f.dir)) {
      const src = read(join(f.dir, name))
      validateSource('rule', src)
      const rule = compileRule(src, reg, f.dir, f.label, fieldNames)
      const id = rule.info.id
      if (ENGINE_RULE_IDS.has(id))
        throw src.error(['id'], `\`${id}\` is reserved for the engine's own findings`)
      const other = byId.get(id)
      if (other) throw src.error(['id'], `duplicate rule id \`${id}\` (also in ${other.file})`)
      const base = name.replace(YAML_FILE, '')
      if (base !== id)
        throw src.error(['id'], `the rule id \`${id}\` must match the file name \`${base}\``)
      byId.set(id, rule)
      rules.push(rule)
      count++
    }
    sources.push({ dir: f.label, count })
  }
  for (const rule of rules) {
    rule.skipIfReported.forEach((id, i) => {
      if (!byId.has(id))
        throw ruleError(read, rule, ['skip-if-reported', i], `unknown rule \`${id}\``)
    })
  }
  checkSkipCycles(rules, byId, read)
  if (opts.config) checkConfigIds(opts.config, new Set([...byId.keys(), ...ENGINE_RULE_IDS]))
  const rs: LoadedRuleSet = {
    rules: rules.map((r) => r.info),
    sources,
    [INTERNAL]: { rules: orderForSkips(rules, byId), catalog }
  }
  return rs
}

function emptyEntries(): Record<CatalogKind, CatalogEntry[]> {
  return Object.fromEntries(CATALOG_KINDS.map((k) => [k, []])) as unknown as Record<
    CatalogKind,
    CatalogEntry[]
  >
}

function userCount(list: CatalogEntry[], builtinIds: Map<string, CatalogEntry>): number {
  const builtins = new Set(builtinIds.values())
  let i = 0
  while (i < list.length && !builtins.has(list[i])) i++
  return i
}

type Read = (path: string) => YamlSource

function ruleError(
  read: Read,
  rule: CompiledRule,
  path: (string | number)[],
  message: string
): UserError {
  return read(rule.file).error(path, message)
}

function checkSkipCycles(rules: CompiledRule[], byId: Map<string, CompiledRule>, read: Read): void {
  const state = new Map<string, 1 | 2>()
  const visit = (r: CompiledRule, chain: string[]) => {
    const s = state.get(r.info.id)
    if (s === 2) return
    if (s === 1)
      throw ruleError(
        read,
        r,
        ['skip-if-reported'],
        `skip-if-reported forms a cycle: ${[...chain, r.info.id].join(' -> ')}`
      )
    state.set(r.info.id, 1)
    for (const id of r.skipIfReported) visit(byId.get(id)!, [...chain, r.info.id])
    state.set(r.info.id, 2)
  }
  for (const r of rules) visit(r, [])
}

/** Rules ordered so that those a rule skips for come before it. */
function orderForSkips(rules: CompiledRule[], byId: Map<string, CompiledRule>): CompiledRule[] {
  const out: CompiledRule[] = []
  const done = new Set<string>()
  const visit = (r: CompiledRule) => {
    if (done.has(r.info.id)) return
    done.add(r.info.id)
    for (const id of r.skipIfReported) visit(byId.get(id)!)
    out.push(r)
  }
  rules.forEach(visit)
  return out
}

function checkConfigIds(config: Config, known: Set<string>): void {
  const src = configSource(config)
  const fail = (path: (string | number)[], id: string, key?: string) => {
    const msg = `unknown rule \`${id}\``
    throw src ? src.error(path, msg, key) : new UserError(msg, config.source || undefined)
  }
  config.disable.forEach((id, i) => known.has(id) || fail(['disable', i], id))
  config.enable.forEach((id, i) => known.has(id) || fail(['enable', i], id))
  for (const id of Object.keys(config.severity)) if (!known.has(id)) fail(['severity'], id, id)
}
