import { afterAll, beforeAll, describe, expect, it, test } from 'bun:test'
import { bearer } from '../helpers/auth.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'

let t: TestApp

const accessPolicy = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'vigil/v1' as const,
  kind: 'AccessPolicy' as const,
  metadata: { name },
  spec,
})

beforeAll(async () => {
  // Wednesday 2026-12-02 10:30 UTC.
  t = await makeApp({ now: () => Date.UTC(2026, 11, 2, 10, 30) })
  const actor = { name: 'test', type: 'token' as const }
  await t.policies.create(
    accessPolicy('operators-restart', {
      subjects: [{ role: 'operator' }, { policy: 'crash*' }],
      actions: ['restart_pod', 'rollout_restart'],
      resources: [{ kind: 'Pod', namespaces: ['prod', 'prod-*'] }],
      effect: 'allow',
    }),
    actor,
  )
  await t.policies.create(
    accessPolicy('no-payments', {
      subjects: [{ role: '*' }, { policy: '*' }, { token: '*' }],
      actions: ['*'],
      resources: [{ namespaces: ['prod-payments'] }],
      effect: 'deny',
    }),
    actor,
  )
  await t.policies.create(
    accessPolicy('office-hours-nodes', {
      subjects: [{ token: 'ops-*' }],
      actions: ['cordon_node'],
      resources: [{ kind: 'Node' }],
      conditions: { severity: ['high', 'critical'], hours: { from: '08:00', to: '18:00' } },
      effect: 'allow',
    }),
    actor,
  )
  // Disabled policies are not consulted.
  await t.policies.create(
    accessPolicy('everything', {
      subjects: [{ role: '*' }],
      actions: ['*'],
      resources: [{}],
      effect: 'allow',
    }),
    actor,
  )
  await t.policies.setEnabled('AccessPolicy', 'everything', false, actor)
})
afterAll(() => t.close())

function evaluate(body: unknown, headers: Record<string, string> = t.headers) {
  return t.app.request('/api/v1/policy/evaluate', {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

const ann = { userId: 'ann', role: 'operator' }

describe('POST /api/v1/policy/evaluate', () => {
  test.each([
    [
      'an operator may restart a prod pod',
      { action: 'restart_pod', resource: 'prod/api-1', type: 'Pod', context: ann },
      {
        allowed: true,
        reason:
          'AccessPolicy operators-restart allows restart_pod on Pod prod/api-1 for user:ann (operator)',
        appliedPolicies: ['operators-restart'],
      },
    ],
    [
      'the deny on prod-payments wins',
      { action: 'restart_pod', resource: 'prod-payments/pay-0', type: 'Pod', context: ann },
      {
        allowed: false,
        reason:
          'AccessPolicy no-payments denies restart_pod on Pod prod-payments/pay-0 for user:ann (operator)',
        appliedPolicies: ['no-payments', 'operators-restart'],
      },
    ],
    [
      'a developer is denied by default (the disabled allow-all is not read)',
      {
        action: 'restart_pod',
        resource: { kind: 'Pod', namespace: 'prod', name: 'api-1' },
        context: { userId: 'dev', role: 'developer' },
      },
      {
        allowed: false,
        reason: 'no AccessPolicy allows restart_pod on Pod prod/api-1 for user:dev (developer)',
        appliedPolicies: [],
      },
    ],
    [
      'a policy subject from metadata.policy',
      {
        action: 'rollout_restart',
        resource: 'prod-eu/web-2',
        type: 'Pod',
        context: { metadata: { policy: 'crashloop' } },
      },
      {
        allowed: true,
        reason:
          'AccessPolicy operators-restart allows rollout_restart on Pod prod-eu/web-2 for policy:crashloop',
        appliedPolicies: ['operators-restart'],
      },
    ],
    [
      'a token subject with severity, on a node, in office hours',
      {
        action: 'cordon_node',
        resource: 'n1',
        type: 'Node',
        context: { userId: 'ignored', metadata: { token: 'ops-bot', severity: 'critical' } },
      },
      {
        allowed: true,
        reason: 'AccessPolicy office-hours-nodes allows cordon_node on Node n1 for token:ops-bot',
        appliedPolicies: ['office-hours-nodes'],
      },
    ],
    [
      'the same token at night (metadata.at) is denied and told why',
      {
        action: 'cordon_node',
        resource: 'n1',
        type: 'Node',
        context: {
          metadata: { token: 'ops-bot', severity: 'critical', at: '2026-12-02T23:00:00Z' },
        },
      },
      {
        allowed: false,
        reason:
          'no AccessPolicy allows cordon_node on Node n1 for token:ops-bot (office-hours-nodes would, but 23:00 UTC is outside 08:00–18:00 UTC)',
        appliedPolicies: [],
      },
    ],
  ])('%s', async (_, body, expected) => {
    const res = await evaluate(body)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual(expected)
  })

  test.each([
    [
      'an unknown action',
      { action: 'reboot', resource: 'a', type: 'Pod', context: ann },
      'body: action: must be one of restart_pod',
    ],
    [
      'a missing kind',
      { action: 'restart_pod', resource: 'prod/a', context: ann },
      'body: type: needs the resource kind',
    ],
    [
      'a bad resource',
      { action: 'restart_pod', resource: 'a/b/c', type: 'Pod', context: ann },
      'body: resource:',
    ],
    [
      'no subject',
      { action: 'restart_pod', resource: 'a', type: 'Pod', context: {} },
      'body: context.userId: needs the user',
    ],
    ['no context', { action: 'restart_pod', resource: 'a', type: 'Pod' }, 'body: context:'],
    [
      'an unknown role',
      { action: 'restart_pod', resource: 'a', type: 'Pod', context: { userId: 'a', role: 'root' } },
      'body: context.role: must be one of admin',
    ],
    [
      'a bad severity',
      {
        action: 'restart_pod',
        resource: 'a',
        type: 'Pod',
        context: { userId: 'a', metadata: { severity: 'huge' } },
      },
      'body: context.metadata.severity: must be one of low',
    ],
    [
      'policy and token',
      {
        action: 'restart_pod',
        resource: 'a',
        type: 'Pod',
        context: { metadata: { policy: 'p', token: 't' } },
      },
      'body: context.metadata: name a policy or a token',
    ],
    [
      'an unknown field',
      { action: 'restart_pod', resource: 'a', type: 'Pod', context: ann, extra: 1 },
      'body:',
    ],
    ['malformed JSON', '{"action":', 'the request body must be JSON'],
  ])('answers 400 naming the field for %s', async (_, body, message) => {
    const res = await evaluate(body)
    expect(res.status).toBe(400)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('invalid_request')
    expect(error.message).toStartWith(message)
  })

  it('answers 401 without credentials and 403 without policies:read', async () => {
    const body = { action: 'restart_pod', resource: 'prod/a', type: 'Pod', context: ann }
    expect((await evaluate(body, {})).status).toBe(401)
    const res = await evaluate(body, await bearer(t, ['remediation:read', 'policies:write']))
    expect(res.status).toBe(403)
    expect((await evaluate(body, await bearer(t, ['policies:read']))).status).toBe(200)
  })

  it('writes no state-change audit record for an answered question (refused ones are kept)', async () => {
    await evaluate({ action: 'restart_pod', resource: 'prod/a', type: 'Pod', context: ann })
    const entries = (await t.audit.list({ action: 'http.post', limit: 100 })).entries
    const mine = entries.filter((e) => e.target?.includes('evaluate'))
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.filter((e) => (e.details as { status: number }).status === 200)).toEqual([])
  })
})
