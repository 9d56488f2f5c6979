import { describe, expect, it, test } from 'bun:test'
import { accessPolicySpec } from '../../src/policy/kinds/access-policy.ts'
import {
  evaluateAccess,
  withinHours,
  type AccessRequest,
  type NamedAccessPolicy,
} from '../../src/remediation/access.ts'
import { globMatch } from '../../src/remediation/glob.ts'

const policy = (name: string, spec: Record<string, unknown>): NamedAccessPolicy => ({
  name,
  spec: accessPolicySpec.parse({ effect: 'allow', actions: ['*'], resources: [{}], ...spec }),
})

// Wednesday 2026-12-02 at 10:30 UTC.
const wednesday1030 = Date.UTC(2026, 11, 2, 10, 30)
const at = (day: number, hh: number, mm = 0) => Date.UTC(2026, 11, day, hh, mm)

const request = (over: Partial<AccessRequest> = {}): AccessRequest => ({
  subject: { kind: 'policy', name: 'crashloop' },
  action: 'restart_pod',
  resource: { kind: 'Pod', namespace: 'prod', name: 'api-1' },
  severity: 'high',
  at: wednesday1030,
  ...over,
})

const anyPolicy = { subjects: [{ policy: '*' }] }

describe('evaluateAccess', () => {
  test.each([
    [
      'a deny beats an allow',
      [policy('ok', anyPolicy), policy('no', { ...anyPolicy, effect: 'deny' })],
      false,
      'AccessPolicy no denies',
      ['ok', 'no'],
    ],
    [
      'an allow with no deny allows',
      [policy('ok', anyPolicy)],
      true,
      'AccessPolicy ok allows restart_pod on Pod prod/api-1 for policy:crashloop',
      ['ok'],
    ],
    [
      'nothing is allowed without an allow',
      [],
      false,
      'no AccessPolicy allows restart_pod on Pod prod/api-1 for policy:crashloop',
      [],
    ],
    [
      'a lone deny denies',
      [policy('no', { ...anyPolicy, effect: 'deny' })],
      false,
      'AccessPolicy no denies',
      ['no'],
    ],
    [
      'a deny that does not match leaves the allow',
      [policy('ok', anyPolicy), policy('no', { subjects: [{ role: 'viewer' }], effect: 'deny' })],
      true,
      'AccessPolicy ok allows',
      ['ok'],
    ],
  ])('%s', (_, policies, allowed, reason, applied) => {
    const d = evaluateAccess(policies, request())
    expect(d.allowed).toBe(allowed)
    expect(d.reason).toStartWith(reason)
    expect(d.appliedPolicies).toEqual(applied)
  })

  test.each([
    [
      'role matches a user of that role',
      { role: 'operator' },
      { kind: 'user', name: 'ann', role: 'operator' },
      true,
    ],
    [
      'role does not match another role',
      { role: 'operator' },
      { kind: 'user', name: 'ann', role: 'viewer' },
      false,
    ],
    [
      'role * matches any user',
      { role: '*' },
      { kind: 'user', name: 'ann', role: 'developer' },
      true,
    ],
    ['role * does not match a token', { role: '*' }, { kind: 'token', name: 'ci' }, false],
    ['user glob matches the name', { user: 'sre-*' }, { kind: 'user', name: 'sre-bob' }, true],
    ['user glob refuses another name', { user: 'sre-*' }, { kind: 'user', name: 'dev-bob' }, false],
    [
      'user does not match a token of that name',
      { user: 'ci' },
      { kind: 'token', name: 'ci' },
      false,
    ],
    [
      'token glob matches a token',
      { token: 'deploy-*' },
      { kind: 'token', name: 'deploy-1' },
      true,
    ],
    [
      'token glob refuses another token',
      { token: 'deploy-*' },
      { kind: 'token', name: 'build-1' },
      false,
    ],
    [
      'policy glob matches an automatic task',
      { policy: 'crash*' },
      { kind: 'policy', name: 'crashloop' },
      true,
    ],
    [
      'policy * does not match a user',
      { policy: '*' },
      { kind: 'user', name: 'ann', role: 'admin' },
      false,
    ],
  ] as const)('subject: %s', (_, subject, who, allowed) => {
    const d = evaluateAccess([policy('p', { subjects: [subject] })], request({ subject: who }))
    expect(d.allowed).toBe(allowed)
  })

  test.each([
    [
      'kind and namespace glob',
      { kind: 'Pod', namespaces: ['prod-*'] },
      { kind: 'Pod', namespace: 'prod-eu', name: 'a' },
      true,
    ],
    [
      'namespace glob refuses another namespace',
      { kind: 'Pod', namespaces: ['prod-*'] },
      { kind: 'Pod', namespace: 'staging', name: 'a' },
      false,
    ],
    [
      'kind compares without case',
      { kind: 'pod' },
      { kind: 'Pod', namespace: 'prod', name: 'a' },
      true,
    ],
    ['kind glob', { kind: 'Deploy*' }, { kind: 'Deployment', namespace: 'prod', name: 'a' }, true],
    ['another kind', { kind: 'Pod' }, { kind: 'Deployment', namespace: 'prod', name: 'a' }, false],
    [
      'name globs',
      { names: ['api-*', 'web'] },
      { kind: 'Pod', namespace: 'prod', name: 'api-7' },
      true,
    ],
    [
      'name globs refuse',
      { names: ['api-*', 'web'] },
      { kind: 'Pod', namespace: 'prod', name: 'db-0' },
      false,
    ],
    [
      '? is one character',
      { names: ['api-?'] },
      { kind: 'Pod', namespace: 'prod', name: 'api-7' },
      true,
    ],
    [
      '? is only one',
      { names: ['api-?'] },
      { kind: 'Pod', namespace: 'prod', name: 'api-17' },
      false,
    ],
    ['a node under no namespaces', { kind: 'Node' }, { kind: 'Node', name: 'n1' }, true],
    [
      'a node under namespace *',
      { kind: 'Node', namespaces: ['*'] },
      { kind: 'Node', name: 'n1' },
      true,
    ],
    [
      'a node under a namespace glob',
      { kind: 'Node', namespaces: ['prod-*'] },
      { kind: 'Node', name: 'n1' },
      false,
    ],
    ['a node under prefix glob *-x', { namespaces: ['*-x'] }, { kind: 'Node', name: 'n1' }, false],
  ] as const)('resource: %s', (_, resource, target, allowed) => {
    const p = policy('p', { ...anyPolicy, resources: [resource] })
    expect(evaluateAccess([p], request({ resource: target })).allowed).toBe(allowed)
  })

  test.each([
    ['listed action', ['restart_pod'], 'restart_pod', true],
    ['unlisted action', ['rollout_restart'], 'restart_pod', false],
    ['* is any action', ['*'], 'drain_node', true],
  ] as const)('actions: %s', (_, actions, action, allowed) => {
    const p = policy('p', { ...anyPolicy, actions })
    expect(evaluateAccess([p], request({ action })).allowed).toBe(allowed)
  })

  test.each([
    ['severity in the list', { severity: ['high', 'critical'] }, { severity: 'high' }, true],
    ['severity not in the list', { severity: ['high', 'critical'] }, { severity: 'low' }, false],
    ['a single severity', { severity: 'critical' }, { severity: 'critical' }, true],
    ['no severity on the request fails', { severity: ['high'] }, { severity: undefined }, false],
    ['within hours', { hours: { from: '08:00', to: '20:00' } }, { at: at(2, 8, 0) }, true],
    ['to is exclusive', { hours: { from: '08:00', to: '20:00' } }, { at: at(2, 20, 0) }, false],
    ['before hours', { hours: { from: '08:00', to: '20:00' } }, { at: at(2, 7, 59) }, false],
    [
      'a wrapping window late',
      { hours: { from: '22:00', to: '06:00' } },
      { at: at(2, 23, 30) },
      true,
    ],
    [
      'a wrapping window early',
      { hours: { from: '22:00', to: '06:00' } },
      { at: at(3, 5, 59) },
      true,
    ],
    [
      'a wrapping window midday',
      { hours: { from: '22:00', to: '06:00' } },
      { at: at(2, 12, 0) },
      false,
    ],
    ['on a listed day (wed)', { days: ['mon', 'wed'] }, { at: at(2, 12) }, true],
    ['on another day (thu)', { days: ['mon', 'wed'] }, { at: at(3, 12) }, false],
    ['sunday', { days: ['sun'] }, { at: at(6, 12) }, true],
    [
      'all conditions hold',
      { severity: ['high'], days: ['wed'], hours: { from: '09:00', to: '11:00' } },
      {},
      true,
    ],
    [
      'one of all fails',
      { severity: ['high'], days: ['thu'], hours: { from: '09:00', to: '11:00' } },
      {},
      false,
    ],
  ] as const)('conditions: %s', (_, conditions, over, allowed) => {
    const p = policy('p', { ...anyPolicy, conditions })
    expect(evaluateAccess([p], request(over as Partial<AccessRequest>)).allowed).toBe(allowed)
  })

  it('evaluateAccess() says which condition kept an allow from matching', () => {
    const p = policy('office', {
      ...anyPolicy,
      conditions: { hours: { from: '08:00', to: '20:00' } },
    })
    const d = evaluateAccess([p], request({ at: at(2, 2, 5) }))
    expect(d).toEqual({
      allowed: false,
      reason:
        'no AccessPolicy allows restart_pod on Pod prod/api-1 for policy:crashloop (office would, but 02:05 UTC is outside 08:00–20:00 UTC)',
      appliedPolicies: [],
    })
  })

  it('evaluateAccess() names a user with the role in the reason and prints cluster-scoped targets', () => {
    const d = evaluateAccess([], {
      ...request(),
      subject: { kind: 'user', name: 'ann', role: 'operator' },
      action: 'cordon_node',
      resource: { kind: 'Node', name: 'n1' },
    })
    expect(d.reason).toBe('no AccessPolicy allows cordon_node on Node n1 for user:ann (operator)')
  })

  it('evaluateAccess() denies when a deny matches with its conditions, even after an allow', () => {
    const nights = policy('no-nights', {
      ...anyPolicy,
      effect: 'deny',
      conditions: { hours: { from: '22:00', to: '06:00' } },
    })
    const all = policy('all', anyPolicy)
    expect(evaluateAccess([all, nights], request({ at: at(2, 23) })).allowed).toBe(false)
    expect(evaluateAccess([all, nights], request({ at: at(2, 12) })).allowed).toBe(true)
  })
})

describe('withinHours', () => {
  test.each([
    ['00:00', '00:00', 0, true],
    ['10:00', '10:00', 600, true],
    ['23:00', '01:00', 0, true],
    ['23:00', '01:00', 60, false],
  ])('withinHours(%s–%s) at minute %d is %p', (from, to, minute, inside) => {
    expect(withinHours({ from, to }, minute)).toBe(inside)
  })
})

describe('globMatch', () => {
  test.each([
    ['prod', 'prod', true],
    ['prod', 'prod-1', false],
    ['prod-*', 'prod-', true],
    ['*', '', true],
    ['a.b', 'axb', false],
    ['a?c', 'abc', true],
    ['*-db', 'eu-db', true],
  ])('globMatch(%p, %p) is %p', (pattern, value, matches) => {
    expect(globMatch(pattern, value)).toBe(matches)
  })
})
