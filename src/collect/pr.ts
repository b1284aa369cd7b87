/**
 * Collects what the action checks: on pull requests and merge queues the files the change touches,
 * else all matching files; their text from the workspace when it is checked out at the commit being
 * checked, otherwise through the API at that commit. Config and rule files come from the base branch
 * on `pull_request_target` and whenever the pull request changes them, so a pull request cannot switch
 * off its own check. Knows nothing of YAML or rules; nothing from the repository is ever executed.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { minimatch } from 'minimatch'
import { UserError } from '../engine/api.js'
import type { GitHubApi, PrFile, RepoRef } from '../github/api.js'
import type { FileStatus, SourceFile } from '../types.js'
import type { FileReader } from '../workflow/model.js'
import { decodeSource, MAX_FILE_BYTES, readSourceFile, rootReader, walk } from './fs.js'

/** GitHub lists at most this many files of a pull request, and of a comparison. */
export const PR_FILES_CAP = 3000
export const COMPARE_FILES_CAP = 300
/** Local composite actions fetched through the API for one run, and how deep they nest. */
const MAX_COMPOSITES = 100
const MAX_COMPOSITE_DEPTH = 5

export interface EventInfo {
  name: string
  repo: RepoRef
  /** GITHUB_SHA. */
  sha: string
  pr?: {
    number: number
    headSha: string
    baseSha: string
    changedFiles?: number
    fromFork: boolean
  }
  mergeGroup?: { headSha: string; baseSha: string }
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target'])

/** The event the run is for, from the runner's environment and event payload. */
export function readEvent(env: NodeJS.ProcessEnv): EventInfo {
  const name = env.GITHUB_EVENT_NAME ?? ''
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  if (!owner || !repo)
    throw new UserError('GITHUB_REPOSITORY is not set: run this as a GitHub Action step')
  let payload: Record<string, unknown> = {}
  if (env.GITHUB_EVENT_PATH && existsSync(env.GITHUB_EVENT_PATH)) {
    payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>
  }
  const event: EventInfo = { name, repo: { owner, repo }, sha: env.GITHUB_SHA ?? '' }
  const pr = payload.pull_request as
    | {
        number: number
        changed_files?: number
        head: { sha: string; repo?: { full_name?: string } | null }
        base: { sha: string; repo?: { full_name?: string } | null }
      }
    | undefined
  if (PR_EVENTS.has(name) && pr?.head?.sha) {
    event.pr = {
      number: pr.number,
      headSha: pr.head.sha,
      baseSha: pr.base.sha,
      changedFiles: pr.changed_files,
      fromFork: (pr.head.repo?.full_name ?? '') !== (pr.base.repo?.full_name ?? '')
    }
  }
  const mg = payload.merge_group as { head_sha?: string; base_sha?: string } | undefined
  if (name === 'merge_group' && mg?.head_sha && mg.base_sha) {
    event.mergeGroup = { headSha: mg.head_sha, baseSha: mg.base_sha }
  }
  return event
}

/** The commit the workspace is checked out at, read from `.git` without running git; else undefined. */
export function workspaceHead(workspace: string | undefined): string | undefined {
  if (!workspace) return undefined
  const git = join(workspace, '.git')
  try {
    if (!lstatSync(git).isDirectory()) return undefined
    const head = readFileSync(join(git, 'HEAD'), 'utf8').trim()
    if (/^[0-9a-f]{40}$/.test(head)) return head
    const ref = /^ref: (refs\/[\w./-]+)$/.exec(head)?.[1]
    if (!ref || ref.split('/').includes('..')) return undefined
    const loose = join(git, ref)
    if (existsSync(loose)) return readFileSync(loose, 'utf8').trim()
    const packed = readFileSync(join(git, 'packed-refs'), 'utf8')
    return packed
      .split('\n')
      .find((l) => l.endsWith(` ${ref}`))
      ?.slice(0, 40)
  } catch {
    return undefined
  }
}

type Read = { text: string } | { skipped: string } | { missing: true }

/** Where the text of one commit is read from: the checked-out workspace, or the API. */
interface Source {
  kind: 'workspace' | 'api'
  ref: string
  list(): Promise<{ paths: string[]; links: string[]; truncated: boolean }>
  read(path: string): Promise<Read>
  /** A synchronous reader for the parser (local composite actions); the API source serves what was fetched. */
  reader(): FileReader
  /** Fetches local composites the given texts use (API source only). */
  preloadComposites(texts: string[]): Promise<void>
}

const safeRel = (p: string) =>
  p !== '' && !p.startsWith('/') && !p.split('/').includes('..') && !p.includes('\0')

function workspaceSource(root: string, ref: string): Source {
  return {
    kind: 'workspace',
    ref,
    async list() {
      const { files, links, truncated } = walk(root)
      return { paths: files, links, truncated }
    },
    async read(path) {
      if (!safeRel(path)) return { skipped: 'a path outside the repository' }
      const full = join(root, path)
      try {
        if (lstatSync(full).isSymbolicLink()) return { skipped: 'a symbolic link: not followed' }
      } catch {
        return { missing: true }
      }
      return readSourceFile(full)
    },
    reader: () => rootReader(root),
    async preloadComposites() {}
  }
}

/** `uses: ./dir` references in a workflow's text (without parsing it): the folders, repo-relative. */
export function localUses(text: string): string[] {
  const out = new Set<string>()
  const re = /^[\s-]*uses:\s*["']?\.\/([^\s"'#]*)/gm
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const dir = m[1].replace(/\/+$/, '')
    if (safeRel(dir) || dir === '') out.add(dir)
  }
  return [...out]
}

function apiSource(api: GitHubApi, repo: RepoRef, ref: string): Source {
  const cache = new Map<string, Read>()
  let tree: Promise<{ paths: string[]; links: string[]; truncated: boolean }> | undefined
  const read = async (path: string): Promise<Read> => {
    if (!safeRel(path)) return { skipped: 'a path outside the repository' }
    const hit = cache.get(path)
    if (hit) return hit
    const got = await api.getFile(repo, path, ref, MAX_FILE_BYTES)
    let r: Read
    if ('missing' in got) r = { missing: true }
    else if ('tooLarge' in got) {
      r = {
        skipped: `${Math.round(got.tooLarge / 1024)} KiB is over the ${Math.round(MAX_FILE_BYTES / 1024)} KiB limit for one file`
      }
    } else r = decodeSource(got.bytes)
    cache.set(path, r)
    return r
  }
  return {
    kind: 'api',
    ref,
    list() {
      tree ??= api
        .listTree(repo, ref)
        .then((t) => ({ paths: t.paths, links: [], truncated: t.truncated }))
      return tree
    },
    read,
    reader: () => (path: string) => {
      const r = cache.get(path.replace(/^\.\//, ''))
      return r && 'text' in r ? r.text : undefined
    },
    async preloadComposites(texts) {
      let pending = texts
      for (let depth = 0; depth < MAX_COMPOSITE_DEPTH && pending.length > 0; depth++) {
        const next: string[] = []
        for (const dir of [...new Set(pending.flatMap(localUses))]) {
          if (cache.size >= MAX_COMPOSITES * 2) return
          const yml = dir ? `${dir}/action.yml` : 'action.yml'
          const yaml = dir ? `${dir}/action.yaml` : 'action.yaml'
          if (cache.has(yml) || cache.has(yaml)) continue
          let r = await read(yml)
          if ('missing' in r) r = await read(yaml)
          if ('text' in r) next.push(r.text)
        }
        pending = next
      }
    }
  }
}

export interface CollectInput {
  event: EventInfo
  workspace?: string
  paths: string[]
  scope: 'changed' | 'all'
  configPath: string
  api: GitHubApi
  /** Log lines (the caller escapes them). */
  info: (message: string) => void
}

export interface Collected {
  files: SourceFile[]
  /** Files that matched but could not be read (too large, not UTF-8, a symlink). */
  statuses: FileStatus[]
  readFile: FileReader
  /** The commit the files are from. */
  sha: string
  from: 'workspace' | 'api'
  /** For the report: why some files were checked, what fell back. Plain text with code spans. */
  notes: string[]
  /** The pull request's changed files, when listed. */
  changed?: PrFile[]
}

export interface Settings {
  /** The config file's text, when there is one. */
  configText?: string
  configPath: string
  /** Where config and rules are read from, for the report ("the base branch"). */
  from: string
  /** True when the base branch's config/rules were used because of the event or the PR's own changes. */
  fromBase: boolean
  notes: string[]
}

const isAction = (p: string) => /(^|\/)action\.ya?ml$/.test(p)
const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '')
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``

/** The collector for one run: the files to check, then the config and the rule folders. */
export class Collector {
  private readonly head: Source
  private base?: Source
  private changed?: PrFile[]
  /** GitHub cut the list of changed files: what else the change touches cannot be told. */
  private truncated = false

  constructor(private readonly input: CollectInput) {
    const { event, workspace } = input
    const sha = event.pr?.headSha ?? event.mergeGroup?.headSha ?? event.sha
    const wsHead = workspaceHead(workspace)
    this.head =
      workspace && wsHead === sha
        ? workspaceSource(workspace, sha)
        : apiSource(input.api, event.repo, sha)
  }

  /** What the change is called in the report, when there is one. */
  private get changeKind(): string | undefined {
    const { event } = this.input
    return event.pr ? 'pull request' : event.mergeGroup ? 'merge group' : undefined
  }

  private matches(path: string): boolean {
    const pos = this.input.paths.filter((p) => !p.startsWith('!'))
    const neg = this.input.paths.filter((p) => p.startsWith('!')).map((p) => p.slice(1))
    return (
      pos.some((p) => minimatch(path, p, { dot: true })) &&
      !neg.some((p) => minimatch(path, p, { dot: true }))
    )
  }

  async files(): Promise<Collected> {
    const { event, scope, api, info } = this.input
    const notes: string[] = []
    const statuses: FileStatus[] = []
    let candidates: string[] | undefined
    const why = new Map<string, string>()

    const changeKind = this.changeKind
    if (scope === 'changed' && changeKind) {
      const cap = event.pr ? PR_FILES_CAP : COMPARE_FILES_CAP
      const listed = event.pr
        ? await api.listPullRequestFiles(event.repo, event.pr.number)
        : await api.compareFiles(event.repo, event.mergeGroup!.baseSha, event.mergeGroup!.headSha)
      this.changed = listed
      // GitHub lists at most `cap` files: a full listing is complete only when the event says that
      // is all (a pull request's payload counts its files; a merge group's does not).
      const known = event.pr?.changedFiles
      this.truncated = listed.length >= cap ? known !== listed.length : (known ?? 0) > cap
      if (this.truncated) {
        const over = known !== undefined && known > cap
        notes.push(
          over
            ? `This ${changeKind} changes ${known} files, more than GitHub lists (${cap}): all matching files were checked.`
            : `This ${changeKind} changes at least ${cap} files, as many as GitHub ${event.pr ? 'lists' : 'compares'}: all matching files were checked.`
        )
        info(
          `${over ? known : `${cap} or more`} changed files: over GitHub's ${cap}-file listing limit, checking all matching files`
        )
      } else {
        const kept = listed.filter((f) => f.status !== 'removed')
        const removed = listed.length - kept.length
        if (removed) info(`${removed} removed file(s) in the ${changeKind}: not checked`)
        candidates = kept.map((f) => f.filename).filter((p) => this.matches(p))
        // A changed composite action is checked through the workflows that use it.
        const actionDirs = new Set(
          listed.filter((f) => isAction(f.filename)).map((f) => dirOf(f.filename))
        )
        if (actionDirs.size > 0) {
          const all = await this.head.list()
          for (const path of all.paths.filter((p) => this.matches(p) && !candidates!.includes(p))) {
            const r = await this.head.read(path)
            if (!('text' in r)) continue
            const used = localUses(r.text).find((d) => actionDirs.has(d))
            if (used !== undefined) {
              candidates.push(path)
              why.set(path, used)
            }
          }
        }
      }
    }
    if (!candidates) {
      const all = await this.head.list()
      if (all.truncated)
        notes.push(
          'The repository has more files than could be listed; some may not have been checked.'
        )
      candidates = all.paths.filter((p) => this.matches(p))
      for (const l of all.links.filter((p) => this.matches(p))) {
        statuses.push({ path: l, status: 'skipped', reason: 'a symbolic link: not followed' })
      }
    }

    const files: SourceFile[] = []
    for (const path of [...new Set(candidates)].sort()) {
      const r = await this.head.read(path)
      if ('text' in r) files.push({ path, text: r.text })
      else if ('skipped' in r) statuses.push({ path, status: 'skipped', reason: r.skipped })
    }
    for (const [path, dir] of why) {
      notes.push(
        `${code(path)} was checked because it uses ${code(`./${dir}`)}, which this ${changeKind} changes.`
      )
    }
    await this.head.preloadComposites(files.map((f) => f.text))
    return {
      files,
      statuses,
      readFile: this.head.reader(),
      sha: this.head.ref,
      from: this.head.kind,
      notes,
      ...(this.changed ? { changed: this.changed } : {})
    }
  }

  /** The base branch's source: the workspace when it is checked out there, else the API at the base commit. */
  private baseSource(): Source | undefined {
    const { event, workspace, api } = this.input
    const baseSha = event.pr?.baseSha ?? event.mergeGroup?.baseSha
    if (!baseSha) return undefined
    if (!this.base) {
      const wsHead = workspaceHead(workspace)
      const atBase =
        wsHead === baseSha || (event.name === 'pull_request_target' && wsHead === event.sha)
      this.base =
        workspace && atBase
          ? workspaceSource(workspace, wsHead!)
          : apiSource(api, event.repo, baseSha)
    }
    return this.base
  }

  private changes(path: string): boolean {
    return (this.changed ?? []).some((f) => f.filename === path || f.previousFilename === path)
  }

  private changesUnder(dir: string): boolean {
    const d = dir.replace(/^\.\//, '').replace(/\/+$/, '')
    return (this.changed ?? []).some((f) =>
      [f.filename, f.previousFilename].some((p) => p !== undefined && p.startsWith(`${d}/`))
    )
  }

  /** The config file's text, from the base branch when the event or the pull request's changes call for it. */
  async settings(): Promise<Settings> {
    const { event, configPath } = this.input
    const notes: string[] = []
    const target = event.name === 'pull_request_target'
    const changesConfig = this.changes(configPath)
    let source = this.head
    let fromBase = false
    let from = this.head.kind === 'workspace' ? 'the workspace' : 'the head commit'
    const base = this.baseSource()
    // A cut listing may hide a change to the config: the base branch's applies then too.
    if (base && (target || changesConfig || this.truncated)) {
      source = base
      fromBase = true
      from = 'the base branch'
    }
    if (changesConfig && base) {
      notes.push(
        `This ${this.changeKind} changes ${code(configPath)}; the configuration of the base branch was used.`
      )
    } else if (this.truncated && base && !target) {
      notes.push(
        `This ${this.changeKind} changes more files than GitHub lists, so whether it changes ${code(configPath)} cannot be told; the configuration of the base branch was used.`
      )
    }
    const r = await source.read(configPath)
    if ('skipped' in r)
      throw new UserError(`the config file cannot be read: ${r.skipped}`, configPath)
    return { ...('text' in r ? { configText: r.text } : {}), configPath, from, fromBase, notes }
  }

  /**
   * The folder rule folders are resolved against: the workspace, or a temporary copy of the rule files
   * at the right commit (the base when `fromBase` or when the pull request changes a rule folder).
   */
  async ruleRoot(
    dirs: string[],
    fromBase: boolean
  ): Promise<{ root: string; notes: string[]; fromBase: boolean }> {
    const notes: string[] = []
    if (dirs.length === 0)
      return { root: this.input.workspace ?? process.cwd(), notes, fromBase: false }
    let source = this.head
    const base = this.baseSource()
    const changed = dirs.filter((d) => this.changesUnder(d))
    if (base && (fromBase || changed.length > 0)) source = base
    if (base && changed.length > 0) {
      notes.push(
        `This ${this.changeKind} changes rules in ${changed.map(code).join(', ')}; the rules of the base branch were used.`
      )
    }
    const based = source === base
    if (source.kind === 'workspace')
      return { root: this.input.workspace ?? process.cwd(), notes, fromBase: based }
    // The runner empties RUNNER_TEMP after every job; elsewhere the system's temporary folder.
    const root = mkdtempSync(
      join(process.env.RUNNER_TEMP || tmpdir(), 'prevent-similar-bugs-rules-')
    )
    const all = await source.list()
    for (const dir of dirs.map((d) => d.replace(/^\.\//, '').replace(/\/+$/, ''))) {
      const wanted = all.paths.filter((p) => {
        const rest = p.startsWith(`${dir}/`) ? p.slice(dir.length + 1) : undefined
        return rest !== undefined && /^(catalog\/)?[^/]+\.ya?ml$/i.test(rest)
      })
      for (const path of wanted) {
        const r = await source.read(path)
        // A rule file that cannot be read would be protection silently lost: stop the run.
        if ('skipped' in r) throw new UserError(`the rule file cannot be used: ${r.skipped}`, path)
        if (!('text' in r))
          throw new UserError('the rule file is listed but could not be read', path)
        mkdirSync(dirname(join(root, path)), { recursive: true })
        writeFileSync(join(root, path), r.text)
      }
    }
    return { root, notes, fromBase: based }
  }
}
