/**
 * A finding's fingerprint: stable for the same problem at the same place across runs and unrelated
 * edits. It hashes the rule, the file, the job, the step (id, else label) and the message with its
 * numbers blanked (line numbers and minute estimates move when other lines do); never the line.
 */
import { createHash } from 'node:crypto'
import type { Finding } from '../types.js'

export function fingerprint(f: Finding, stepKey?: string): string {
  const stable = f.message.replace(/\d+(\.\d+)?/g, '#')
  return createHash('sha256')
    .update([f.ruleId, f.file, f.job ?? '', stepKey ?? f.step ?? '', stable].join('\u0000'))
    .digest('hex')
    .slice(0, 32)
}
