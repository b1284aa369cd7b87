import type { Finding, RuleInfo, ScanResult } from '../../src/types.js'

export const lateSecrets: RuleInfo = {
  id: 'late-secrets-loading',
  title: 'Secrets read long after authentication',
  severity: 'error',
  recommendation:
    'Read the secrets right after {auth.label} and pass them on masked. See [the AWS docs](https://docs.aws.amazon.com/x).\n\n```yaml\n- name: Read SSM parameters\n  run: aws ssm get-parameter\n```',
  references: ['https://docs.aws.amazon.com/x'],
  tags: ['credentials', 'aws'],
  source: 'built-in'
}

export const accessKey: RuleInfo = {
  id: 'access-key-expiry',
  title: 'Long-lived access keys',
  severity: 'warning',
  recommendation: 'Use OIDC instead of {step.label}.',
  references: [],
  tags: ['credentials'],
  source: 'built-in'
}

export function finding(over: Partial<Finding>): Finding {
  return {
    ruleId: 'late-secrets-loading',
    severity: 'error',
    file: '.github/workflows/deploy.yml',
    line: 48,
    column: 9,
    endLine: 48,
    endColumn: 30,
    message:
      '`Read SSM parameters` reads AWS secrets 35 min after `Configure AWS credentials` authenticated',
    recommendation:
      'Read the secrets right after `Configure AWS credentials` and pass them on masked. See [the AWS docs](https://docs.aws.amazon.com/x).\n\n```yaml\n- name: Read SSM parameters\n  run: aws ssm get-parameter\n```',
    title: 'Secrets read long after authentication',
    job: 'deploy',
    step: 'Read SSM parameters',
    fingerprint: 'fp-late-1',
    ...over
  }
}

export function twoFindings(): ScanResult {
  return {
    findings: [
      finding({
        ruleId: 'access-key-expiry',
        severity: 'warning',
        file: '.github/workflows/legacy.yml',
        line: 21,
        column: 7,
        endLine: 23,
        endColumn: 5,
        message: 'Long-lived keys in `Configure AWS credentials`',
        recommendation: 'Use OIDC instead of `Configure AWS credentials`.',
        title: 'Long-lived access keys',
        job: 'publish',
        step: 'Configure AWS credentials',
        fingerprint: 'fp-key-1'
      }),
      finding({
        related: [
          {
            label: 'Configure AWS credentials',
            file: '.github/workflows/deploy.yml',
            line: 14,
            column: 9,
            endLine: 14,
            endColumn: 20
          }
        ]
      })
    ],
    files: [
      { path: '.github/workflows/deploy.yml', status: 'scanned' },
      { path: '.github/workflows/legacy.yml', status: 'scanned' }
    ],
    errors: [],
    rules: [lateSecrets, accessKey]
  }
}
