/** Findings the engine and parser report themselves (not from rule files): their ids and metadata. */
import type { RuleInfo } from '../types.js'

const info = (
  id: string,
  title: string,
  severity: RuleInfo['severity'],
  recommendation: string
): RuleInfo => ({
  id,
  title,
  severity,
  recommendation,
  references: [],
  tags: ['prevent-similar-bugs'],
  source: 'engine'
})

export const ENGINE_RULES: RuleInfo[] = [
  info(
    'parse-error',
    'The file is not valid YAML',
    'error',
    'Fix the YAML syntax so the workflow can be checked.'
  ),
  info(
    'invalid-workflow',
    'The workflow does not have the expected shape',
    'error',
    'Fix the workflow so GitHub (and this check) can read it.'
  ),
  info(
    'invalid-marker',
    'A prevent-similar-bugs comment marker cannot be read',
    'warning',
    'Write suppressions as `# prevent-similar-bugs: ignore[rule-id] until=YYYY-MM-DD -- reason` (the reason is required) and quick fixes as `# prevent-similar-bugs: quick-fix expires=YYYY-MM-DD ref=TICKET`.'
  ),
  info(
    'expired-suppression',
    'A suppression is past its date',
    'warning',
    'The suppression no longer applies. Fix the finding it hid, or, if the exception still holds, give it a new date and reason.'
  ),
  info(
    'unused-suppression',
    'A suppression suppresses nothing',
    'notice',
    'Remove the suppression comment: the finding it was for is gone.'
  ),
  info(
    'unresolved-action',
    'A local action cannot be looked into',
    'notice',
    'The step uses a local action (`uses: ./path`) whose `action.yml` is not in this repository (or cannot be read), so the steps it runs are not checked: credentials it obtains or uses, and the time it takes, are unknown here. Check the path; an action in another checked-out repository is checked in that repository.'
  ),
  info(
    'input-truncated',
    'A text was too long to check completely',
    'notice',
    'Patterns look at the first 1 MiB of a run script. Move long scripts into files in the repository.'
  )
]

export const ENGINE_RULE_IDS = new Set(ENGINE_RULES.map((r) => r.id))
