/**
 * The one sticky PR comment: found by its hidden marker AND its author (anyone can paste the marker),
 * updated in place, left alone when unchanged, never created while there has never been a finding.
 */
import type { GitHubApi, IssueComment, RepoRef } from './api.js'

export type StickyAction = 'created' | 'updated' | 'unchanged' | 'none'

export interface StickyResult {
  action: StickyAction
  /** The comment's URL when there is one. */
  url?: string
}

/** `github-actions[bot]` (REST) and `github-actions` (GraphQL) are the same account. */
function sameLogin(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/\[bot\]$/, '')
  return norm(a) === norm(b)
}

/**
 * Finds our earlier comment among the ones that carry the marker. The token's identity is asked
 * only when there is a candidate; when it cannot be told (an app token GraphQL will not answer for),
 * the job token's bot account is assumed.
 */
async function findOurs(
  api: GitHubApi,
  comments: IssueComment[],
  marker: string
): Promise<IssueComment | undefined> {
  const candidates = comments.filter((c) => c.body.startsWith(marker))
  if (candidates.length === 0) return undefined
  const login = (await api.viewerLogin()) ?? 'github-actions[bot]'
  return candidates.find((c) => sameLogin(c.login, login))
}

/**
 * Creates, updates or leaves the sticky comment. `body` must start with `marker`; `hasFindings`
 * decides whether a comment may be created (an all-clear body only ever updates an earlier one).
 */
export async function upsertStickyComment(
  api: GitHubApi,
  repo: RepoRef,
  issue: number,
  body: string,
  marker: string,
  hasFindings: boolean
): Promise<StickyResult> {
  const comments = await api.listIssueComments(repo, issue)
  const ours = await findOurs(api, comments, marker)
  if (!ours) {
    if (!hasFindings) return { action: 'none' }
    const created = await api.createIssueComment(repo, issue, body)
    return { action: 'created', url: created.url }
  }
  if (ours.body === body) return { action: 'unchanged', url: ours.url }
  const updated = await api.updateIssueComment(repo, ours.id, body)
  return { action: 'updated', url: updated.url }
}
