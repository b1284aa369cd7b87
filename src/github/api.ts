/**
 * The only module that talks to the GitHub API. Octokit from @actions/github, with retries on
 * transient errors (@octokit/plugin-retry) and GitHub's primary and secondary rate limits honoured
 * (@octokit/plugin-throttling). `GITHUB_API_URL` is the base URL (GitHub Enterprise Server).
 * Everything else in the action takes the plain data these functions return.
 */
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'

export interface RepoRef {
  owner: string
  repo: string
}

export interface PrFile {
  filename: string
  /** added | removed | modified | renamed | copied | changed | unchanged */
  status: string
  previousFilename?: string
}

export interface IssueComment {
  id: number
  body: string
  login: string
  /** 'Bot' or 'User'. */
  userType: string
  url: string
}

/** A file's bytes at a ref, or why it could not be had. */
export type FetchedFile = { bytes: Uint8Array } | { missing: true } | { tooLarge: number }

/** What the action needs from GitHub. Tests give a fake; the action gives `createApi`. */
export interface GitHubApi {
  /** The files of a pull request (paginated, 100 a page). GitHub lists at most 3,000. */
  listPullRequestFiles(repo: RepoRef, pr: number): Promise<PrFile[]>
  /** The files two commits differ in (merge queues). GitHub lists at most 300. */
  compareFiles(repo: RepoRef, base: string, head: string): Promise<PrFile[]>
  /** Every file path of a commit (one request); `truncated` when GitHub cut the listing. */
  listTree(repo: RepoRef, ref: string): Promise<{ paths: string[]; truncated: boolean }>
  /** A file's raw bytes at a ref. */
  getFile(repo: RepoRef, path: string, ref: string, maxBytes: number): Promise<FetchedFile>
  listIssueComments(repo: RepoRef, issue: number): Promise<IssueComment[]>
  createIssueComment(repo: RepoRef, issue: number, body: string): Promise<IssueComment>
  updateIssueComment(repo: RepoRef, id: number, body: string): Promise<IssueComment>
  /** The login the token acts as (`github-actions[bot]` for the job's token), or undefined. */
  viewerLogin(): Promise<string | undefined>
}

/** The HTTP status of an Octokit error, if it has one. */
export function httpStatus(err: unknown): number | undefined {
  const s = (err as { status?: unknown })?.status
  return typeof s === 'number' ? s : undefined
}

interface RawComment {
  id: number
  body?: string | null
  html_url: string
  user: { login: string; type: string } | null
}

function comment(c: RawComment): IssueComment {
  return {
    id: c.id,
    body: c.body ?? '',
    login: c.user?.login ?? '',
    userType: c.user?.type ?? '',
    url: c.html_url
  }
}

function prFile(f: { filename: string; status: string; previous_filename?: string }): PrFile {
  return {
    filename: f.filename,
    status: f.status,
    ...(f.previous_filename ? { previousFilename: f.previous_filename } : {})
  }
}

export interface ApiOptions {
  token: string
  /** Default: GITHUB_API_URL, else https://api.github.com. */
  baseUrl?: string
  /** Told when a rate limit makes the client wait or give up. */
  warn: (message: string) => void
}

export function createApi(opts: ApiOptions): GitHubApi {
  const baseUrl = opts.baseUrl || process.env.GITHUB_API_URL || 'https://api.github.com'
  // Retry once after the wait GitHub asks for, then give up; either way the run is told.
  const onLimit =
    (what: string) =>
    (after: number, options: { method: string; url: string }, _o: unknown, count: number) => {
      opts.warn(
        `GitHub API ${what} hit on ${options.method} ${options.url}; ${count < 2 ? `retrying in ${after} s` : 'giving up'}`
      )
      return count < 2
    }
  const octokit = getOctokit(
    opts.token,
    {
      baseUrl,
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451] },
      throttle: {
        onRateLimit: onLimit('rate limit'),
        onSecondaryRateLimit: onLimit('secondary rate limit')
      }
    },
    retry,
    throttling
  )

  return {
    async listPullRequestFiles(repo, pr) {
      const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
        ...repo,
        pull_number: pr,
        per_page: 100
      })
      return files.map(prFile)
    },

    async compareFiles(repo, base, head) {
      const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
        ...repo,
        basehead: `${base}...${head}`,
        per_page: 100
      })
      return (data.files ?? []).map(prFile)
    },

    async listTree(repo, ref) {
      const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: ref, recursive: 'true' })
      return {
        paths: data.tree.filter((e) => e.type === 'blob' && e.path).map((e) => e.path as string),
        truncated: data.truncated
      }
    },

    async getFile(repo, path, ref, maxBytes) {
      try {
        const res = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
          ...repo,
          path,
          ref,
          mediaType: { format: 'raw' }
        })
        const data = res.data as unknown
        let bytes: Uint8Array
        if (typeof data === 'string') bytes = Buffer.from(data, 'utf8')
        else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data)
        else if (ArrayBuffer.isView(data))
          bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        else return { missing: true } // a folder listing or a submodule: not a file
        if (bytes.byteLength > maxBytes) return { tooLarge: bytes.byteLength }
        return { bytes }
      } catch (err) {
        if (httpStatus(err) === 404) return { missing: true }
        throw err
      }
    },

    async listIssueComments(repo, issue) {
      const list = await octokit.paginate(octokit.rest.issues.listComments, {
        ...repo,
        issue_number: issue,
        per_page: 100
      })
      return (list as RawComment[]).map(comment)
    },

    async createIssueComment(repo, issue, body) {
      const { data } = await octokit.rest.issues.createComment({
        ...repo,
        issue_number: issue,
        body
      })
      return comment(data as RawComment)
    },

    async updateIssueComment(repo, id, body) {
      const { data } = await octokit.rest.issues.updateComment({ ...repo, comment_id: id, body })
      return comment(data as RawComment)
    },

    async viewerLogin() {
      try {
        const res = await octokit.graphql<{ viewer: { login: string } }>(
          'query { viewer { login } }'
        )
        return res.viewer.login
      } catch {
        return undefined
      }
    }
  }
}
