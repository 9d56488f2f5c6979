import { describe, expect, it, test } from 'bun:test'
import type { Incident, TimelineKind } from '../../src/incidents/types.ts'
import { remediationPolicySpec } from '../../src/policy/kinds/remediation-policy.ts'
import {
  idempotencyKey,
  planRemediation,
  type NamedRemediationPolicy,
  type PreviousProposal,
} from '../../src/remediation/planner.ts'

const minute = 60_000
const T = Date.UTC(2026, 11, 2, 10, 0)

const incident = (over: Partial<Incident> = {}): Incident => ({
  id: 7,
  fingerprint: 'f',
  rule: 'pod-crash-looping',
  title: 'api-1 is crash looping',
  severity: 'high',
  status: 'triggered',
  silenceId: null,
  labels: { namespace: 'prod', pod: 'api-1', deployment: 'api' },
  annotations: {},
  value: 3,
  source: { kind: 'manual' },
  channels: [],
  count: 1,
  since: T,
  firstSeenAt: T,
  startedAt: T,
  lastSeenAt: T,
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  resolvedBy: null,
  reopenedCount: 0,
  ...over,
})

const policy = (name: string, spec: Record<string, unknown>): NamedRemediationPolicy => ({
  name,
  spec: remediationPolicySpec.parse(spec),
})

const crashloop = policy('crashloop', {
  match: { rule: 'pod-crash-looping', severity: ['high', 'critical'] },
  mode: 'auto',
  steps: [
    {
      action: 'restart_pod',
      params: { namespace: '{{ $labels.namespace }}', pod: '{{ $labels.pod }}' },
    },
    {
      action: 'rollback_deployment',
      after: '10m',
      params: { namespace: '{{ $labels.namespace }}', deployment: '{{ $labels.deployment }}' },
    },
    { action: 'scale_deployment', params: { deployment: '{{ $labels.deployment }}', replicas: 0 } },
  ],
  limits: { max_per_hour: 5 },
  namespaces: { allow: ['prod-*', 'prod'] },
})

const plan = (
  kind: TimelineKind,
  over: Partial<Incident> = {},
  history: PreviousProposal[] = [],
  now = T,
  policies = [crashloop],
) => planRemediation(policies, { kind, incident: incident(over) }, history, now)

const did = (step: number, createdAt: number, count?: number): PreviousProposal => ({
  policy: 'crashloop',
  step,
  incidentId: 7,
  createdAt,
  idempotencyKey:
    count === undefined ? undefined : idempotencyKey('crashloop', incident({ count }), step),
})

describe('planRemediation', () => {
  it('planRemediation() proposes step 0 with rendered params on the first firing', () => {
    expect(plan('triggered')).toEqual({
      proposals: [
        {
          policy: 'crashloop',
          step: 0,
          incidentId: 7,
          action: 'restart_pod',
          params: { namespace: 'prod', pod: 'api-1' },
          mode: 'auto',
          limits: { max_per_hour: 5 },
          namespaces: { allow: ['prod-*', 'prod'] },
          idempotencyKey: 'policy:crashloop:incident:7:step:0:episode:1',
          reason:
            'incident #7 (api-1 is crash looping, high) triggered: crashloop step 1 of 3, restart_pod',
          priority: 1,
        },
      ],
      errors: [],
      skipped: [],
    })
  })

  test.each([
    ['triggered', 1],
    ['repeated', 1],
    ['reopened', 1],
    ['acknowledged', 0],
    ['resolved', 0],
    ['note', 0],
    ['silenced', 0],
    ['unsilenced', 0],
    ['notified', 0],
  ] as const)('a %s change makes %d proposals', (kind, n) => {
    expect(plan(kind).proposals).toHaveLength(n)
  })

  test.each([
    ['the rule and severity match', {}, 1],
    ['another rule', { rule: 'disk-full' }, 0],
    ['an incident opened by hand has no rule', { rule: null }, 0],
    ['a severity outside the list', { severity: 'medium' }, 0],
    ['critical is in the list', { severity: 'critical' }, 1],
  ] as const)('matching: %s', (_, over, n) => {
    expect(plan('triggered', over as Partial<Incident>).proposals).toHaveLength(n)
  })

  test.each([
    ['labels equal', { labels: { team: 'web' } }, { team: 'web' }, 1],
    ['a label differs', { labels: { team: 'web' } }, { team: 'db' }, 0],
    ['a label missing', { labels: { team: 'web' } }, {}, 0],
    [
      'every given field must hold',
      { labels: { team: 'web' }, severity: 'low' },
      { team: 'web' },
      0,
    ],
    ['a rule glob', { rule: 'pod-*' }, {}, 1],
    ['a rule list', { rule: ['disk-full', 'pod-crash-looping'] }, {}, 1],
  ] as const)('match fields: %s', (_, match, labels, n) => {
    const p = policy('p', { match, action: 'restart_pod', params: { pod: 'x' } })
    const got = plan('triggered', { labels }, [], T, [p])
    expect(got.proposals).toHaveLength(n)
  })

  test.each([
    ['critical', 0],
    ['high', 1],
    ['medium', 2],
    ['low', 3],
  ] as const)('a %s incident gets priority %d', (severity, priority) => {
    const p = policy('p', { match: { rule: 'pod-crash-looping' }, action: 'restart_pod' })
    expect(plan('triggered', { severity }, [], T, [p]).proposals[0]?.priority).toBe(priority)
  })

  test.each([
    ['label and value', { target: '{{ $labels.pod }}@{{ $value }}' }, { target: 'api-1@3' }],
    ['numbers and booleans stay', { replicas: 3, force: true }, { replicas: 3, force: true }],
    ['a literal string stays', { note: 'plain' }, { note: 'plain' }],
    ['a partly empty template is kept', { ref: '{{ $labels.zone }}/x' }, { ref: '/x' }],
  ])('params: %s', (_, params, rendered) => {
    const p = policy('p', { match: { rule: 'pod-crash-looping' }, action: 'run_command', params })
    expect(plan('triggered', {}, [], T, [p]).proposals[0]?.params).toEqual(rendered)
  })

  it('planRemediation() gives an error, not a proposal, when a template renders empty', () => {
    const got = plan('triggered', { labels: { namespace: 'prod' } })
    expect(got.proposals).toEqual([])
    expect(got.errors).toEqual([
      {
        policy: 'crashloop',
        step: 0,
        incidentId: 7,
        reason:
          'crashloop step 1 (restart_pod): parameter pod ("{{ $labels.pod }}") renders empty for incident #7; the incident lacks the label it names',
      },
    ])
  })

  // Escalation: [kind, history, now, expected step or 'skip'].
  test.each([
    ['repeated with no history starts at step 0', 'repeated', [], T, 0],
    ['triggered always starts at step 0', 'triggered', [did(1, T - minute)], T, 0],
    ['repeated within the window escalates', 'repeated', [did(0, T - 5 * minute)], T, 1],
    ['repeated at the window edge escalates', 'repeated', [did(0, T - 10 * minute)], T, 1],
    ['repeated past the window does nothing', 'repeated', [did(0, T - 11 * minute)], T, 'skip'],
    ['reopened within the window escalates', 'reopened', [did(0, T - 2 * minute)], T, 1],
    ['reopened past the window starts over', 'reopened', [did(0, T - 11 * minute)], T, 0],
    ['a step without after escalates any time later', 'repeated', [did(1, T - 86_400_000)], T, 2],
    ['after the last step, repeated does nothing', 'repeated', [did(2, T - minute)], T, 'skip'],
    ['after the last step, reopened starts over', 'reopened', [did(2, T - minute)], T, 0],
    [
      'the newest proposal counts',
      'repeated',
      [did(0, T - 30 * minute), did(1, T - 3 * minute)],
      T,
      2,
    ],
  ] as const)('escalation: %s', (_, kind, history, now, expected) => {
    const got = plan(kind, { count: 5 }, [...history], now)
    if (expected === 'skip') {
      expect(got.proposals).toEqual([])
      expect(got.skipped).toHaveLength(1)
      expect(got.skipped[0]?.reason).toContain('proposes nothing more in this episode')
    } else {
      expect(got.proposals.map((p) => p.step)).toEqual([expected])
      expect(got.proposals[0]?.idempotencyKey).toBe(
        `policy:crashloop:incident:7:step:${expected}:episode:5`,
      )
    }
  })

  it('planRemediation() says why it escalates', () => {
    const got = plan('repeated', { count: 2 }, [did(0, T - 5 * minute)])
    expect(got.proposals[0]?.reason).toBe(
      'incident #7 (api-1 is crash looping, high) repeated within 10m of step 1 (restart_pod): crashloop step 2 of 3, rollback_deployment',
    )
    expect(got.proposals[0]?.params).toEqual({ namespace: 'prod', deployment: 'api' })
  })

  it('planRemediation() repeats the same proposal for a duplicate delivery of one firing', () => {
    // The first delivery of the second firing escalated to step 1 and the task was stored.
    const first = plan('repeated', { count: 2 }, [did(0, T - 5 * minute, 1)])
    expect(first.proposals.map((p) => p.idempotencyKey)).toEqual([
      'policy:crashloop:incident:7:step:1:episode:2',
    ])
    const stored = [did(0, T - 5 * minute, 1), did(1, T, 2)]
    const again = plan('repeated', { count: 2 }, stored, T + 1000)
    expect(again.proposals.map((p) => p.idempotencyKey)).toEqual(
      first.proposals.map((p) => p.idempotencyKey),
    )
    // The next firing (count 3) escalates from there.
    const next = plan('repeated', { count: 3 }, stored, T + minute)
    expect(next.proposals.map((p) => p.step)).toEqual([2])
  })

  it('planRemediation() reads only this policy and this incident from the history', () => {
    const other = [
      { ...did(0, T - minute), policy: 'someone-else' },
      { ...did(0, T - minute), incidentId: 8 },
    ]
    expect(plan('repeated', { count: 2 }, other).proposals.map((p) => p.step)).toEqual([0])
  })

  it('planRemediation() plans every matching policy on its own', () => {
    const second = policy('notify-web', {
      match: { severity: 'high' },
      action: 'rollout_restart',
      params: { deployment: '{{ $labels.deployment }}' },
    })
    const got = plan('triggered', {}, [], T, [crashloop, second])
    expect(got.proposals.map((p) => [p.policy, p.action])).toEqual([
      ['crashloop', 'restart_pod'],
      ['notify-web', 'rollout_restart'],
    ])
  })
})
