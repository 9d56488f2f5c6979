import { describe, expect, it } from 'bun:test'
import { readPolicies, validatePolicy, pathText } from '../../src/policy/index.ts'

const envelope = (kind: string, spec: unknown, metadata: unknown = { name: 'p1' }) => ({
  apiVersion: 'vigil/v1',
  kind,
  metadata,
  spec,
})

/** problems validates a document and returns `path: message` lines. */
function problems(doc: unknown): string[] {
  const r = validatePolicy(doc)
  return r.ok ? [] : r.issues.map((i) => `${pathText(i.path)}: ${i.message}`)
}

describe('validatePolicy envelope', () => {
  it.each([
    ['not an object', 'x', ': a policy must be a mapping with apiVersion, kind, metadata, spec'],
    [
      'wrong apiVersion',
      { ...envelope('AlertRule', {}), apiVersion: 'v2' },
      'apiVersion: must be vigil/v1',
    ],
    [
      'unknown kind',
      envelope('Alert', {}),
      'kind: must be one of AlertRule, CompliancePolicy, RemediationPolicy, AccessPolicy',
    ],
    [
      'no spec',
      { apiVersion: 'vigil/v1', kind: 'AlertRule', metadata: { name: 'a' } },
      'spec: a AlertRule needs a spec',
    ],
    [
      'bad name',
      envelope('AccessPolicy', {}, { name: 'High_CPU' }),
      'metadata.name: must be lower case letters, digits, - and ., starting and ending with a letter or digit',
    ],
    [
      'unknown top-level field',
      { ...envelope('AlertRule', { expr: 'up', severity: 'low' }), status: {} },
      'status: unknown field "status"; expected apiVersion, kind, metadata, spec',
    ],
    [
      'unknown metadata field',
      envelope('AlertRule', { expr: 'up', severity: 'low' }, { name: 'a', namespace: 'x' }),
      'metadata.namespace: unknown field "namespace"; expected name, labels, annotations',
    ],
  ])('refuses %s', (_, doc, message) => {
    expect(problems(doc)).toContain(message)
  })

  it('accepts labels and annotations in metadata and keeps the document as written', () => {
    const doc = envelope(
      'AlertRule',
      { expr: 'up == 0', for: '1m', severity: 'high' },
      {
        name: 'node-down',
        labels: { team: 'web', 'example.com/tier': 'gold' },
        annotations: { owner: 'ops@example.com' },
      },
    )
    const r = validatePolicy(doc)
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    expect(r.document as unknown).toEqual(doc)
    expect((r.policy.spec as { for: number }).for).toBe(60_000)
  })
})

describe('AlertRule', () => {
  const rule = (spec: Record<string, unknown>) =>
    envelope('AlertRule', { severity: 'high', ...spec })

  it.each([
    [
      'expr with for and keep_firing_for',
      { expr: 'avg by (host) (cpu) > 90', for: '1m', keep_firing_for: '2m' },
    ],
    [
      'a log error rate',
      { logs: { service: 'api', level: 'error', rate_above: 0.5, window: '5m' } },
    ],
    ['a log count', { logs: { service: 'api', count_above: 100, window: '10m' } }],
    [
      'anomalies',
      { anomalies: { min_severity: 'medium', selector: 'cpu{host="a"}', sustained_for: '2m' } },
    ],
    [
      'drift findings',
      {
        drift: { type: 'mismatch', min_severity: 'high', namespace: 'prod-*', kind: 'Deployment' },
      },
    ],
    [
      'events',
      {
        events: {
          source: 'k8s',
          kind: 'BackOff',
          severity: 'warning',
          attributes: { reason: 'x' },
        },
      },
    ],
    [
      'everything around the condition',
      {
        expr: 'up == 0',
        labels: { service: 'web' },
        annotations: { summary: 'CPU at {{ $value }}% on {{ $labels.host }}' },
        notify: ['ops-webhook', 'slack.main'],
        group_by: ['host'],
        interval: '30s',
      },
    ],
  ])('accepts %s', (_, spec) => {
    expect(problems(rule(spec))).toEqual([])
  })

  it.each([
    ['no condition', {}, 'spec: needs a condition: one of expr, logs, anomalies, drift, events'],
    [
      'two conditions',
      { expr: 'up', logs: { service: 'a', count_above: 1, window: '1m' } },
      'spec.logs: has expr and logs: a rule has exactly one condition of expr, logs, anomalies, drift, events',
    ],
    [
      'bad PromQL',
      { expr: 'avg by (host (x)' },
      'spec.expr: not valid PromQL: parse error at char 14: unexpected "(" in grouping opts, expected "," or ")"',
    ],
    [
      'a bad duration',
      { expr: 'up', for: 'soon' },
      'spec.for: must be a duration such as 30s, 5m or 1h',
    ],
    ['a too long for', { expr: 'up', for: '30d' }, 'spec.for: must be between 0s and 604800s'],
    [
      'a bad severity',
      { expr: 'up', severity: 'huge' },
      'spec.severity: must be one of low, medium, high, critical',
    ],
    [
      'a misspelt field',
      { expr: 'up', fro: '1m' },
      'spec.fro: unknown field "fro"; expected expr, logs, anomalies, drift, events, for, keep_firing_for, severity, labels, annotations, notify, group_by, interval',
    ],
    [
      'logs with both thresholds',
      { logs: { service: 'a', rate_above: 1, count_above: 1, window: '1m' } },
      'spec.logs: needs exactly one of rate_above (lines per second) or count_above',
    ],
    [
      'logs without a window',
      { logs: { service: 'a', count_above: 1 } },
      'spec.logs.window: must be a duration such as 30s, 5m or 1h',
    ],
    [
      'a bad log level',
      { logs: { service: 'a', level: 'loud', count_above: 1, window: '1m' } },
      'spec.logs.level: must be one of debug, info, warn, error, fatal',
    ],
    [
      'anomalies without min_severity',
      { anomalies: {} },
      'spec.anomalies.min_severity: must be one of low, medium, high, critical',
    ],
    [
      'a selector that is an expression',
      { anomalies: { min_severity: 'low', selector: 'rate(x[5m])' } },
      'spec.anomalies.selector: must be a series selector such as cpu{host="a"}',
    ],
    [
      'a bad drift type',
      { drift: { type: 'gone' } },
      'spec.drift.type: must be one of missing, mismatch, unexpected, violation',
    ],
    [
      'a bad event severity',
      { events: { severity: 'high' } },
      'spec.events.severity: must be one of info, warning, error, critical',
    ],
    [
      'an unclosed template',
      { expr: 'up', annotations: { summary: 'CPU {{ $value' } },
      'spec.annotations.summary: has an unclosed {{ or a stray }}',
    ],
    [
      'a bad label name',
      { expr: 'up', labels: { 'bad-name': 'x' } },
      'spec.labels.bad-name: must match [a-zA-Z_][a-zA-Z0-9_]*',
    ],
    ['notify as a string', { expr: 'up', notify: 'ops' }, 'spec.notify: must be a list'],
    [
      'a too short interval',
      { expr: 'up', interval: '100ms' },
      'spec.interval: must be between 1s and 86400s',
    ],
  ])('refuses %s', (_, spec, message) => {
    expect(problems(rule(spec))).toContain(message)
  })
})

describe('RemediationPolicy', () => {
  const policy = (spec: Record<string, unknown>) =>
    envelope('RemediationPolicy', { match: { rule: 'pod-crash-looping' }, ...spec })

  it('accepts steps with escalation and reads durations in ms', () => {
    const r = validatePolicy(
      policy({
        match: {
          rule: 'pod-crash-looping',
          severity: ['high', 'critical'],
          labels: { env: 'prod' },
        },
        mode: 'auto',
        steps: [
          {
            action: 'restart_pod',
            params: { namespace: '{{ $labels.namespace }}', pod: '{{ $labels.pod }}' },
          },
          {
            action: 'rollback_deployment',
            after: '10m',
            params: { deployment: '{{ $labels.deployment }}' },
          },
        ],
        limits: { max_per_hour: 5, max_per_target_per_hour: 2 },
        namespaces: { allow: ['prod-*'], deny: ['kube-system'] },
      }),
    )
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    const spec = r.policy.spec as { steps: { action: string; after?: number }[]; mode: string }
    expect(spec.mode).toBe('auto')
    expect(spec.steps.map((s) => [s.action, s.after])).toEqual([
      ['restart_pod', undefined],
      ['rollback_deployment', 600_000],
    ])
  })

  it('turns a single action with params into one step, in approval mode by default', () => {
    const r = validatePolicy(
      policy({
        action: 'scale_deployment',
        params: { replicas: 3 },
        limits: { replicas: { min: 1, max: 10 } },
      }),
    )
    if (!r.ok) throw new Error(JSON.stringify(r.issues))
    const spec = r.policy.spec as { steps: unknown[]; mode: string }
    expect(spec.mode).toBe('approval')
    expect(spec.steps).toEqual([
      { action: 'scale_deployment', params: { replicas: 3 }, after: undefined },
    ])
  })

  it.each([
    ['no action', {}, 'spec: needs exactly one of action (with params) or steps'],
    [
      'action and steps',
      { action: 'restart_pod', steps: [{ action: 'restart_pod' }] },
      'spec.steps: needs exactly one of action (with params) or steps',
    ],
    [
      'an unknown action',
      { action: 'restart_pods' },
      'spec.action: must be one of restart_pod, rollout_restart, scale_deployment, rollback_deployment, apply_manifest, delete_unexpected, cordon_node, uncordon_node, drain_node, run_command',
    ],
    ['a bad mode', { action: 'restart_pod', mode: 'yolo' }, 'spec.mode: must be auto or approval'],
    [
      'an empty match',
      { match: {}, action: 'restart_pod' },
      'spec.match: needs at least one of rule, severity, labels (a policy never matches every incident)',
    ],
    [
      'min above max',
      { action: 'scale_deployment', limits: { replicas: { min: 5, max: 2 } } },
      'spec.limits.replicas: min must not be above max',
    ],
    [
      'a fractional limit',
      { action: 'restart_pod', limits: { max_per_hour: 1.5 } },
      'spec.limits.max_per_hour: must be a whole number',
    ],
    [
      'an unknown limit',
      { action: 'restart_pod', limits: { per_day: 1 } },
      'spec.limits.per_day: unknown field "per_day"; expected max_per_hour, max_per_target_per_hour, replicas',
    ],
    [
      'a bad namespace glob',
      { action: 'restart_pod', namespaces: { allow: ['prod space'] } },
      'spec.namespaces.allow[0]: must be a name or a glob such as prod-* (letters, digits, - _ . * ?)',
    ],
    [
      'a nested param',
      { action: 'restart_pod', params: { pod: { name: 'x' } } },
      'spec.params.pod: must be a string (templates allowed), a number or true/false',
    ],
  ])('refuses %s', (_, spec, message) => {
    expect(problems(policy(spec))).toContain(message)
  })
})

describe('AccessPolicy', () => {
  const policy = (spec: Record<string, unknown>) =>
    envelope('AccessPolicy', {
      subjects: [{ role: 'operator' }],
      actions: ['restart_pod'],
      resources: [{ kind: 'Pod', namespaces: ['prod', 'prod-*'] }],
      effect: 'allow',
      ...spec,
    })

  it.each([
    ['the issue example', {}],
    [
      'every subject kind and conditions',
      {
        subjects: [{ policy: '*' }, { role: '*' }, { user: 'alice' }, { token: 'ci-bot' }],
        actions: ['*'],
        resources: [{ kind: '*', names: ['api-*'] }],
        conditions: {
          severity: 'critical',
          days: ['mon', 'fri'],
          hours: { from: '22:00', to: '06:00' },
        },
        effect: 'deny',
      },
    ],
  ])('accepts %s', (_, spec) => {
    expect(problems(policy(spec))).toEqual([])
  })

  it.each([
    ['no subjects', { subjects: [] }, 'spec.subjects: must not be empty'],
    [
      'a subject with two keys',
      { subjects: [{ role: 'operator', user: 'bob' }] },
      'spec.subjects[0]: needs exactly one of role, user, token, policy',
    ],
    [
      'an unknown role',
      { subjects: [{ role: 'root' }] },
      'spec.subjects[0].role: must be one of admin, operator, developer, viewer, auditor or *',
    ],
    [
      'an unknown subject kind',
      { subjects: [{ group: 'ops' }] },
      'spec.subjects[0].group: unknown field "group"; expected role, user, token, policy',
    ],
    [
      'an unknown action',
      { actions: ['reboot'] },
      'spec.actions[0]: must be one of restart_pod, rollout_restart, scale_deployment, rollback_deployment, apply_manifest, delete_unexpected, cordon_node, uncordon_node, drain_node, run_command or *',
    ],
    ['a bad effect', { effect: 'maybe' }, 'spec.effect: must be allow or deny'],
    [
      'a bad time of day',
      { conditions: { hours: { from: '8am', to: '17:00' } } },
      'spec.conditions.hours.from: must be a time of day HH:MM (00:00 to 23:59)',
    ],
    [
      'a bad day',
      { conditions: { days: ['monday'] } },
      'spec.conditions.days[0]: must be one of mon, tue, wed, thu, fri, sat, sun',
    ],
  ])('refuses %s', (_, spec, message) => {
    expect(problems(policy(spec))).toContain(message)
  })
})

describe('CompliancePolicy', () => {
  it('accepts the drift core spec and refuses what it refuses', () => {
    const ok = envelope('CompliancePolicy', {
      match: { namespaces: ['shop'] },
      rules: [
        { builtin: 'image-latest' },
        {
          name: 'team-label',
          severity: 'low',
          require: { path: '/metadata/labels/team', op: 'exists' },
        },
      ],
    })
    expect(problems(ok)).toEqual([])
    expect(problems(envelope('CompliancePolicy', { rules: [] }))).toEqual([
      'spec.rules: Too small: expected array to have >=1 items',
    ])
    expect(
      problems(envelope('CompliancePolicy', { rules: [{ builtin: 'image-latest', extra: 1 }] })),
    ).toContain('spec.rules[0].extra: unknown field "extra"')
  })
})

describe('readPolicies', () => {
  const text = [
    'apiVersion: vigil/v1', // 1
    'kind: AlertRule',
    'metadata: {name: ok-rule}',
    'spec: {expr: up == 0, severity: low}',
    '---', // 5
    'apiVersion: vigil/v1',
    'kind: AlertRule',
    'metadata:',
    '  name: Bad_Name',
    'spec:', // 10
    '  expr: up == 0',
    '  fro: 1m',
    '  severity: huge',
    '---',
    '', // 15: empty document
    '---',
    'kind: AccessPolicy',
    'apiVersion: vigil/v1',
    'metadata: {name: access}',
    'spec:', // 20
    '  subjects: [{role: operator}]',
    '  actions: [restart_pod]',
    '  resources: [{namespaces: [prod]}]',
    '  effect: allow',
    '  conditions: {hours: {from: 08:00, to: 20:00}}', // 25
  ].join('\n')

  it('readPolicies() returns the valid documents with their first line and each problem at its line and column', () => {
    const r = readPolicies(text)
    expect(r.policies.map((p) => [p.document.metadata.name, p.line])).toEqual([
      ['ok-rule', 1],
      ['access', 17],
    ])
    expect(r.problems.map((p) => `${p.line}:${p.column}: ${p.path}`)).toEqual([
      '9:9: metadata.name',
      '12:3: spec.fro',
      '13:13: spec.severity',
    ])
  })

  it('readPolicies() keeps 08:00 a string (no YAML 1.1 sexagesimal) so time windows survive', () => {
    const spec = readPolicies(text).policies[1]!.document.spec as { conditions: { hours: unknown } }
    expect(spec.conditions.hours).toEqual({ from: '08:00', to: '20:00' })
  })

  it('readPolicies() reports broken YAML with its line', () => {
    const r = readPolicies('apiVersion: vigil/v1\nkind: AlertRule\nmetadata: {name: x\nspec: {}\n')
    expect(r.policies).toEqual([])
    expect(r.problems[0]!.message).toStartWith('invalid YAML:')
    expect(r.problems[0]!.line).toBeGreaterThanOrEqual(3)
  })

  it('readPolicies() places a missing field at the key of its parent', () => {
    const r = readPolicies(
      'apiVersion: vigil/v1\nkind: AlertRule\nmetadata: {name: x}\nspec:\n  expr: up\n',
    )
    expect(r.problems).toEqual([
      {
        line: 4,
        column: 1,
        path: 'spec.severity',
        message: 'must be one of low, medium, high, critical',
      },
    ])
  })
})
