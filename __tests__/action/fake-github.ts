/**
 * A small GitHub REST (and GraphQL viewer) server on 127.0.0.1 for the end-to-end tests: it serves
 * the endpoints the action calls from in-memory state and records every request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  /** Path and query, as sent. */
  url: string
  body?: unknown
}

export interface FakeComment {
  id: number
  body: string
  login: string
  type: 'Bot' | 'User'
}

export interface PrFileEntry {
  filename: string
  status: 'added' | 'removed' | 'modified' | 'renamed'
  previous_filename?: string
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = []
  /** Files by commit SHA, then by path. */
  readonly commits = new Map<string, Map<string, string>>()
  prFiles: PrFileEntry[] = []
  /** The files of a comparison (merge queues), served on its first page as GitHub does (at most 300). */
  compareFiles: PrFileEntry[] = []
  comments: FakeComment[] = []
  /** Status to answer comment writes with (403 for a read-only token). */
  commentWriteStatus = 0
  viewer = 'github-actions'
  private nextId = 1000
  private server?: Server
  url = ''

  constructor(
    readonly owner = 'acme',
    readonly repo = 'app'
  ) {}

  setCommit(sha: string, files: Record<string, string>): void {
    this.commits.set(sha, new Map(Object.entries(files)))
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let body: unknown
        if (text) {
          try {
            body = JSON.parse(text)
          } catch {
            body = text
          }
        }
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          ...(body !== undefined ? { body } : {})
        })
        this.handle(req, res, body)
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()))
  }

  /** "GET /repos/…" lines of the recorded requests, for exact comparison. */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${decodeURIComponent(r.url)}`)
  }

  private json(
    res: ServerResponse,
    status: number,
    data: unknown,
    headers: Record<string, string> = {}
  ): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    res.end(JSON.stringify(data))
  }

  private page<T>(res: ServerResponse, url: URL, items: T[]): void {
    const perPage = Number(url.searchParams.get('per_page') ?? 30)
    const page = Number(url.searchParams.get('page') ?? 1)
    const last = Math.max(1, Math.ceil(items.length / perPage))
    const headers: Record<string, string> = {}
    if (page < last) {
      const next = new URL(url.toString())
      next.searchParams.set('page', String(page + 1))
      const lastUrl = new URL(url.toString())
      lastUrl.searchParams.set('page', String(last))
      headers.link = `<${this.url}${next.pathname}${next.search}>; rel="next", <${this.url}${lastUrl.pathname}${lastUrl.search}>; rel="last"`
    }
    this.json(res, 200, items.slice((page - 1) * perPage, page * perPage), headers)
  }

  private commentJson(c: FakeComment) {
    return {
      id: c.id,
      body: c.body,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/1#issuecomment-${c.id}`,
      user: { login: c.login, type: c.type }
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const base = `/repos/${this.owner}/${this.repo}`
    const path = decodeURIComponent(url.pathname)
    const method = req.method ?? 'GET'
    let m: RegExpExecArray | null
    if (method === 'POST' && path === '/graphql') {
      return this.json(res, 200, { data: { viewer: { login: this.viewer } } })
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/pulls/(\\d+)/files$`).exec(path))) {
      return this.page(res, url, this.prFiles)
    }
    if (
      method === 'GET' &&
      (m = new RegExp(`^${base}/compare/([0-9a-f]+)\\.\\.\\.([0-9a-f]+)$`).exec(path))
    ) {
      // With a paging parameter, the changed files are only on the first page, 300 at most.
      const page = Number(url.searchParams.get('page') ?? 1)
      return this.json(res, 200, {
        status: 'ahead',
        base_commit: { sha: m[1] },
        merge_base_commit: { sha: m[1] },
        ahead_by: 1,
        behind_by: 0,
        total_commits: 1,
        commits: page === 1 ? [{ sha: m[2] }] : [],
        ...(page === 1 ? { files: this.compareFiles.slice(0, 300) } : {})
      })
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/contents/(.+)$`).exec(path))) {
      const files = this.commits.get(url.searchParams.get('ref') ?? '')
      const text = files?.get(m[1])
      if (text === undefined) return this.json(res, 404, { message: 'Not Found', status: '404' })
      res.writeHead(200, { 'content-type': 'application/vnd.github.raw; charset=utf-8' })
      res.end(text)
      return
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/git/trees/([0-9a-f]+)$`).exec(path))) {
      const files = this.commits.get(m[1])
      if (!files) return this.json(res, 404, { message: 'Not Found' })
      const tree = [...files.keys()]
        .sort()
        .map((p) => ({ path: p, type: 'blob', mode: '100644', sha: '0'.repeat(40) }))
      return this.json(res, 200, { sha: m[1], tree, truncated: false })
    }
    if (method === 'GET' && new RegExp(`^${base}/issues/(\\d+)/comments$`).test(path)) {
      return this.page(
        res,
        url,
        this.comments.map((c) => this.commentJson(c))
      )
    }
    if (method === 'POST' && new RegExp(`^${base}/issues/(\\d+)/comments$`).test(path)) {
      if (this.commentWriteStatus) {
        return this.json(res, this.commentWriteStatus, {
          message: 'Resource not accessible by integration',
          status: String(this.commentWriteStatus)
        })
      }
      const c: FakeComment = {
        id: this.nextId++,
        body: (body as { body: string }).body,
        login: 'github-actions[bot]',
        type: 'Bot'
      }
      this.comments.push(c)
      return this.json(res, 201, this.commentJson(c))
    }
    if (method === 'PATCH' && (m = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(path))) {
      if (this.commentWriteStatus) {
        return this.json(res, this.commentWriteStatus, {
          message: 'Resource not accessible by integration'
        })
      }
      const c = this.comments.find((x) => x.id === Number(m![1]))
      if (!c) return this.json(res, 404, { message: 'Not Found' })
      c.body = (body as { body: string }).body
      return this.json(res, 200, this.commentJson(c))
    }
    return this.json(res, 404, { message: `fake GitHub has no ${method} ${path}` })
  }
}
