/**
 * The action: inputs -> collect -> config and rules -> scan -> report (annotations, job summary,
 * sticky PR comment, SARIF, outputs). `src/index.ts` only calls `run()`.
 */
import * as core from '@actions/core'
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { Collector, readEvent } from './collect/pr.js'
import { defaultConfig, loadConfig } from './config/config.js'
import { UserError, type Config, type RuleSet } from './engine/api.js'
import { scan } from './engine/scan.js'
import { createApi, httpStatus } from './github/api.js'
import { upsertStickyComment } from './github/sticky.js'
import { readInputs } from './inputs.js'
import { builtinRulesDir } from './paths.js'
import { renderAnnotations } from './report/annotations.js'
import { COMMENT_MARKER, renderComment, type ReportContext } from './report/comment.js'
import { logText } from './report/escape.js'
import { countBySeverity, describeCounts, fails } from './report/order.js'
import { renderSarif } from './report/sarif.js'
import { renderSummary } from './report/summary.js'
import { loadRuleSet } from './rules/load.js'
import type { ScanResult } from './types.js'

function rulesLabel(ruleSet: RuleSet): string {
  return ruleSet.sources.map((s) => `${s.dir} ${s.count}`).join(', ')
}

/**
 * Runs a config or rule load. Its UserError names files by their repository path (rule folders are
 * read under the workspace or a temporary copy of the base branch's files), and says when the file
 * is the base branch's version, which may differ from the one the pull request shows.
 */
function loading<T>(
  load: () => T,
  root: string | undefined,
  fromBase: (file: string) => boolean
): T {
  try {
    return load()
  } catch (err) {
    if (!(err instanceof UserError)) throw err
    let message = root ? err.message.split(`${root}${sep}`).join('') : err.message
    if (err.file && fromBase(err.file))
      message += "; this is the base branch's version of the file, which this run uses"
    throw new UserError(message)
  }
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const inputs = readInputs((name) => core.getInput(name))
    const event = readEvent(env)
    const api = createApi({
      token: inputs.token,
      baseUrl: env.GITHUB_API_URL,
      warn: (m) => core.warning(m)
    })
    const workspace = env.GITHUB_WORKSPACE ? resolve(env.GITHUB_WORKSPACE) : undefined
    const scope = inputs.scope ?? (event.pr || event.mergeGroup ? 'changed' : 'all')

    const collector = new Collector({
      event,
      workspace,
      paths: inputs.paths,
      scope,
      configPath: inputs.config,
      api,
      info: (m) => core.info(logText(m))
    })
    const collected = await collector.files()
    core.info(
      `Checking ${collected.files.length} file(s) at ${collected.sha.slice(0, 12)} from ${collected.from === 'workspace' ? 'the workspace' : 'the API'} (scope: ${scope})`
    )
    for (const f of collected.files) core.info(`  ${logText(f.path)}`)

    const settings = await collector.settings()
    const config: Config =
      settings.configText !== undefined
        ? loading(
            () => loadConfig(settings.configText!, settings.configPath),
            undefined,
            () => settings.fromBase
          )
        : defaultConfig()
    const rules = await collector.ruleRoot([...inputs.rules, ...config.rules], settings.fromBase)
    const ruleSet = loading(
      () =>
        loadRuleSet({
          builtinDir: builtinRulesDir(),
          dirs: inputs.rules,
          config,
          root: rules.root
        }),
      rules.root,
      (file) =>
        file.startsWith(`${rules.root}${sep}`)
          ? rules.fromBase
          : file === settings.configPath && settings.fromBase
    )

    const scanned = scan({
      files: collected.files,
      readFile: collected.readFile,
      ruleSet,
      config,
      now: inputs.now
    })
    const result: ScanResult = { ...scanned, files: [...collected.statuses, ...scanned.files] }
    const counts = countBySeverity(result.findings)
    const failed = fails(counts, inputs.failOn)

    let notShown = 0
    if (inputs.annotations) {
      const ann = renderAnnotations(result, { reserveErrorSlot: failed })
      for (const line of ann.lines) process.stdout.write(`${line}\n`)
      notShown = ann.notShown
    } else {
      notShown = result.findings.length
    }

    const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
    const ctx: ReportContext = {
      repoUrl: `${serverUrl}/${event.repo.owner}/${event.repo.repo}`,
      headSha: collected.sha,
      now: inputs.now,
      annotationsNotShown: inputs.annotations ? notShown : 0,
      rules: rulesLabel(ruleSet),
      config:
        settings.configText !== undefined ? `${settings.configPath} (${settings.from})` : undefined,
      notes: [...collected.notes, ...settings.notes, ...rules.notes]
    }

    // The job summary: needs no permission, always written.
    if (env.GITHUB_STEP_SUMMARY) {
      try {
        appendFileSync(env.GITHUB_STEP_SUMMARY, renderSummary(result, ctx))
      } catch (err) {
        core.warning(`Could not write the job summary: ${(err as Error).message}`)
      }
    }

    let commentUrl = ''
    if (event.pr && inputs.comment === 'update') {
      try {
        const body = renderComment(result, ctx)
        const r = await upsertStickyComment(
          api,
          event.repo,
          event.pr.number,
          body,
          COMMENT_MARKER,
          result.findings.length > 0
        )
        commentUrl = r.url ?? ''
        core.info(`PR comment: ${r.action}${r.url ? ` (${r.url})` : ''}`)
      } catch (err) {
        const status = httpStatus(err)
        const why =
          status === 403 || status === 404
            ? `the token cannot comment on this pull request (HTTP ${status}${event.pr.fromFork ? ', a pull request from a fork gets a read-only token' : ''}; give the job \`pull-requests: write\`)`
            : `${(err as Error).message}`
        core.warning(
          `Could not post the PR comment: ${why}. The annotations and the job summary carry the report.`
        )
      }
    }

    let sarifPath = ''
    if (inputs.sarifFile) {
      sarifPath = join(workspace ?? process.cwd(), inputs.sarifFile)
      mkdirSync(dirname(sarifPath), { recursive: true })
      writeFileSync(sarifPath, renderSarif(result))
    }

    core.setOutput('findings', result.findings.length)
    core.setOutput('errors', counts.error)
    core.setOutput('warnings', counts.warning)
    core.setOutput('notices', counts.notice)
    core.setOutput('sarif-file', sarifPath)
    core.setOutput('comment-url', commentUrl)
    for (const e of result.errors) core.warning(logText(e))

    if (failed) {
      core.setFailed(`prevent-similar-bugs: ${describeCounts(counts)} (fail-on: ${inputs.failOn})`)
    } else {
      core.info(`prevent-similar-bugs: ${describeCounts(counts)}`)
    }
  } catch (err) {
    if (err instanceof UserError) {
      core.setFailed(err.message)
    } else {
      core.debug((err as Error).stack ?? String(err))
      core.setFailed(`prevent-similar-bugs failed: ${(err as Error).message}`)
    }
  }
}
