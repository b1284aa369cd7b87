/**
 * Collects the files to check from the local file system (the CLI, and the action when the workspace
 * is checked out): paths, folders and globs become groups of files under a repository root, read and
 * decoded with limits. Knows nothing of YAML or rules.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  statSync,
  type Dirent
} from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { minimatch } from 'minimatch'
import type { FileStatus, SourceFile } from '../types.js'
import type { FileReader } from '../workflow/model.js'

/** Files of one repository root, with repo-relative paths. */
export interface RootGroup {
  /** Absolute path of the root. */
  root: string
  /** The root as the user sees it, relative to the working directory ('' for the working directory). */
  display: string
  files: SourceFile[]
  statuses: FileStatus[]
  readFile: FileReader
}

export interface CollectResult {
  groups: RootGroup[]
  /** Paths that matched nothing, or could not be read at all. */
  errors: string[]
}

export const MAX_FILE_BYTES = 2 * 1024 * 1024
/** Files visited when walking one folder or glob. */
export const MAX_WALK_FILES = 50_000

const YAML_FILE = /\.ya?ml$/i
const REPO_GLOBS = ['.github/workflows/**/*.{yml,yaml}', '.github/actions/**/action.{yml,yaml}']

/** Strict UTF-8 (an invalid sequence throws); one decoder for all files (no streaming state is kept). */
const UTF8 = new TextDecoder('utf-8', { fatal: true })

/** Decodes a file's bytes: UTF-8 only, BOM removed; binary or other encodings are skipped with the reason. */
export function decodeSource(bytes: Uint8Array): { text: string } | { skipped: string } {
  if (bytes.includes(0)) return { skipped: 'contains NUL bytes: a binary file, not YAML' }
  let text: string
  try {
    text = UTF8.decode(bytes)
  } catch {
    return { skipped: 'not valid UTF-8 text (workflows must be UTF-8)' }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  return { text }
}

/** Reads and decodes one file, refusing files over the size limit without reading them whole. */
export function readSourceFile(
  path: string,
  maxBytes = MAX_FILE_BYTES
): { text: string } | { skipped: string } {
  let fd: number
  let size: number
  try {
    fd = openSync(path, 'r')
  } catch (err) {
    return {
      skipped: `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`
    }
  }
  let buf: Buffer
  let off = 0
  try {
    size = fstatSync(fd).size
    if (size > maxBytes) {
      return {
        skipped: `${Math.round(size / 1024)} KiB is over the ${Math.round(maxBytes / 1024)} KiB limit for one file`
      }
    }
    buf = Buffer.allocUnsafe(size)
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off)
      if (n === 0) break
      off += n
    }
  } finally {
    closeSync(fd)
  }
  // a file that shrank while being read: only the bytes read (allocUnsafe leaves the rest as it was)
  return decodeSource(off < size ? buf.subarray(0, off) : buf)
}

const toPosix = (p: string) => p.split(sep).join('/')

function isRepoRoot(dir: string): boolean {
  return existsSync(join(dir, '.github')) || existsSync(join(dir, '.git'))
}

/** The nearest folder at or above `dir` that is a repository root, else `dir` itself. */
function findRoot(dir: string): string {
  let d = dir
  for (;;) {
    if (isRepoRoot(d)) return d
    const up = dirname(d)
    if (up === d) return dir
    d = up
  }
}

export interface WalkResult {
  /** Files, as posix paths relative to the walk's base. */
  files: string[]
  /** Symbolic links met (never followed). */
  links: string[]
  /** True when the walk stopped at MAX_WALK_FILES. */
  truncated: boolean
}

/** Walks `dir` (no symlinks followed, no .git or node_modules), giving posix paths relative to `base`. */
export function walk(
  dir: string,
  base = dir,
  out: WalkResult = { files: [], links: [], truncated: false }
): WalkResult {
  let ents: Dirent[]
  try {
    // the entries' types come with the listing: no lstat per file
    ents = readdirSync(dir, { withFileTypes: true })
  } catch {
    return out
  }
  ents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const ent of ents) {
    const name = ent.name
    if (out.files.length >= MAX_WALK_FILES) {
      out.truncated = true
      return out
    }
    if (name === 'node_modules' || name === '.git') continue
    const full = join(dir, name)
    if (ent.isSymbolicLink()) out.links.push(toPosix(relative(base, full)))
    else if (ent.isDirectory()) walk(full, base, out)
    else if (ent.isFile()) out.files.push(toPosix(relative(base, full)))
  }
  return out
}

/** Folders listed per reader, at most: past it, lookups ask the file system directly. */
const MAX_LISTED_DIRS = 10_000

/**
 * A FileReader over a root: repo-relative paths only, nothing outside the root (symlinks included).
 *
 * A path is walked through listings of the root's folders (each folder listed once per reader), so
 * that a file that is not there (a `uses: ./x` that does not exist) costs a lookup in a map, not a
 * failed system call and its exception. A path with a symbolic link on the way is resolved and read
 * only when it stays inside the root. Names are compared exactly, as on the Linux runners of GitHub.
 */
export function rootReader(root: string): FileReader {
  const realRoot = realpathSync(root)
  const listings = new Map<string, Map<string, Dirent> | null>()
  const entry = (dir: string, name: string): Dirent | null | undefined => {
    let listing = listings.get(dir)
    if (listing === undefined) {
      if (listings.size >= MAX_LISTED_DIRS) return null // not listed: ask the file system
      try {
        listing = new Map(readdirSync(dir, { withFileTypes: true }).map((d) => [d.name, d]))
      } catch {
        listing = null
      }
      listings.set(dir, listing)
    }
    return listing === null ? undefined : listing.get(name)
  }
  const viaRealpath = (path: string): string | undefined => {
    let real: string
    try {
      real = realpathSync(join(root, path))
    } catch {
      return undefined
    }
    if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined
    const r = readSourceFile(real)
    return 'text' in r ? r.text : undefined
  }
  return (path: string) => {
    if (isAbsolute(path) || path.split('/').includes('..')) return undefined
    const parts = path.split('/').filter((p) => p !== '' && p !== '.')
    if (parts.length === 0) return undefined
    let dir = root
    for (let i = 0; i < parts.length; i++) {
      const e = entry(dir, parts[i])
      if (e === undefined) return undefined
      if (e === null || e.isSymbolicLink()) return viaRealpath(path)
      if (i < parts.length - 1 ? !e.isDirectory() : !e.isFile()) return undefined
      dir = join(dir, parts[i])
    }
    const r = readSourceFile(dir)
    return 'text' in r ? r.text : undefined
  }
}

function hasGlobMagic(p: string): boolean {
  return /[*?[\]{}]/.test(p)
}

/** The part of a glob before its first magic segment. */
function globBase(pattern: string): string {
  const parts = pattern.split('/')
  const fixed: string[] = []
  for (const part of parts) {
    if (hasGlobMagic(part)) break
    fixed.push(part)
  }
  return fixed.join('/') || '.'
}

/**
 * Collects files from CLI paths (default: the working directory). A folder that is a repository root
 * means its workflows and local actions; any other folder means every YAML file under it; a glob means
 * the YAML files it matches.
 */
export function collect(paths: string[], cwd: string): CollectResult {
  const groups = new Map<string, RootGroup>()
  const errors: string[] = []
  const group = (root: string): RootGroup => {
    let g = groups.get(root)
    if (!g) {
      const rel = toPosix(relative(cwd, root))
      g = { root, display: rel, files: [], statuses: [], readFile: rootReader(root) }
      groups.set(root, g)
    }
    return g
  }
  const seen = new Set<string>()
  const add = (root: string, rel: string) => {
    const g = group(root)
    const key = join(root, rel)
    if (seen.has(key)) return
    seen.add(key)
    const r = readSourceFile(join(root, rel))
    if ('skipped' in r) g.statuses.push({ path: rel, status: 'skipped', reason: r.skipped })
    else g.files.push({ path: rel, text: r.text })
  }
  const addLinks = (root: string, links: string[]) => {
    for (const l of links) {
      if (!YAML_FILE.test(l)) continue
      const g = group(root)
      g.statuses.push({ path: l, status: 'skipped', reason: 'a symbolic link: not followed' })
    }
  }
  for (const p of paths.length ? paths : ['.']) {
    const abs = resolve(cwd, p)
    if (hasGlobMagic(p) && !existsSync(abs)) {
      const baseAbs = resolve(cwd, globBase(p))
      const root = findRoot(
        existsSync(baseAbs) && statSync(baseAbs).isDirectory() ? baseAbs : dirname(baseAbs)
      )
      const out = walk(root)
      const pattern = toPosix(relative(root, resolve(cwd, p)))
      const matched = out.files.filter((f) => minimatch(f, pattern, { dot: true }))
      if (matched.length === 0) errors.push(`${p}: no file matches this pattern`)
      for (const f of matched) add(root, f)
      continue
    }
    let st
    try {
      st = statSync(abs)
    } catch {
      errors.push(`${p}: no such file or folder`)
      continue
    }
    if (st.isFile()) {
      const root = findRoot(dirname(abs))
      add(root, toPosix(relative(root, abs)))
      continue
    }
    let out: WalkResult
    if (existsSync(join(abs, '.github'))) {
      out = walk(join(abs, '.github'), abs)
      const matched = out.files.filter((f) =>
        REPO_GLOBS.some((g) => minimatch(f, g, { dot: true }))
      )
      for (const f of matched) add(abs, f)
      addLinks(
        abs,
        out.links.filter((f) => REPO_GLOBS.some((g) => minimatch(f, g, { dot: true })))
      )
      if (matched.length === 0) group(abs)
    } else {
      const root = findRoot(abs)
      out = walk(abs, root)
      for (const f of out.files.filter((x) => YAML_FILE.test(x))) add(root, f)
      addLinks(root, out.links)
    }
    if (out.truncated)
      errors.push(`${p}: more than ${MAX_WALK_FILES} files; the rest were not looked at`)
  }
  return { groups: [...groups.values()], errors }
}

const IGNORED = 'matches an `ignore` pattern of the config'

/**
 * Takes the files that match the config's `ignore` globs (repo-relative) out of a collection: they
 * are reported as skipped with that reason, whatever else was found about them.
 */
export function applyIgnore(result: CollectResult, ignore: string[]): CollectResult {
  if (ignore.length === 0) return result
  const ignored = (path: string) => ignore.some((p) => minimatch(path, p, { dot: true }))
  const groups = result.groups.map((g) => {
    const statuses: FileStatus[] = g.statuses.map((st) =>
      ignored(st.path) ? { path: st.path, status: 'skipped', reason: IGNORED } : st
    )
    for (const f of g.files)
      if (ignored(f.path)) statuses.push({ path: f.path, status: 'skipped', reason: IGNORED })
    return { ...g, files: g.files.filter((f) => !ignored(f.path)), statuses }
  })
  return { groups, errors: result.errors }
}
