import { describe, expect, it, test } from 'bun:test'
import {
  diff,
  driftSettingsSchema,
  ManifestError,
  parseManifests,
  resourceId,
  Scopes,
  type KubeObject,
} from '../../src/drift/index.ts'

const cm = (name: string, namespace?: string, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
  data,
})

describe('resourceId', () => {
  test.each([
    ['v1', 'Namespace', null],
    ['v1', 'Node', null],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', null],
    ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', null],
    ['storage.k8s.io/v1', 'StorageClass', null],
    ['v1', 'ConfigMap', 'team'],
    ['example.com/v1', 'Widget', 'team'],
  ])('resourceId() places %s %s in namespace %p', (apiVersion, kind, namespace) => {
    const object = { apiVersion, kind, metadata: { name: 'x' } }
    expect(resourceId(object, new Scopes(), 'team')?.namespace).toBe(namespace)
  })

  it('resourceId() lets discovery override the built-in table', () => {
    const scopes = new Scopes([
      { group: 'example.com', kind: 'Cluster', namespaced: false },
      { group: '', kind: 'Node', namespaced: true },
    ])
    const id = resourceId(
      { apiVersion: 'example.com/v1', kind: 'Cluster', metadata: { name: 'c', namespace: 'x' } },
      scopes,
    )
    expect(id).toEqual({
      group: 'example.com',
      version: 'v1',
      kind: 'Cluster',
      namespace: null,
      name: 'c',
    })
    expect(
      resourceId({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } }, scopes)?.namespace,
    ).toBe('default')
    expect(resourceId({ apiVersion: 'v1', kind: 'Node' }, scopes)).toBeUndefined()
  })
})

describe('diff', () => {
  it('diff() prints the shape `vigil drift check --output json` uses, with key and revision', () => {
    const [desired] = parseManifests(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app, namespace: shop }\ndata: { a: "1" }\n',
      'k8s/app.yaml',
    )
    const findings = diff([desired!], [cm('app', 'shop', { a: '2' })], { revision: 'abc123' })
    expect(JSON.parse(JSON.stringify({ findings }))).toEqual({
      findings: [
        {
          key: 'mismatch:/ConfigMap/shop/app',
          type: 'mismatch',
          severity: 'medium',
          resource: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'app' },
          diffs: [{ path: '/data/a', desired: '1', live: '2', reason: 'value differs' }],
          ownedElsewhere: [],
          revision: 'abc123',
          source: { file: 'k8s/app.yaml', line: 1 },
        },
      ],
    })
  })

  it('diff() keeps keys stable across scans and versions, and orders findings by resource', () => {
    const desired = [cm('b', 'x'), cm('a', 'x'), { ...cm('c', 'y'), apiVersion: 'v1' }]
    const live = [cm('z', 'x'), cm('a', 'x', { k: 'v' })]
    const first = diff(desired, live).map((f) => f.key)
    const again = diff([...desired].reverse(), [...live].reverse()).map((f) => f.key)
    expect(first).toEqual([
      'missing:/ConfigMap/x/b',
      'unexpected:/ConfigMap/x/z',
      'missing:/ConfigMap/y/c',
    ])
    expect(again).toEqual(first)
    const deployment = (apiVersion: string) => ({
      apiVersion,
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: 1 },
    })
    expect(
      diff([deployment('apps/v1')], [{ ...deployment('apps/v1beta2'), spec: { replicas: 2 } }])[0]
        ?.key,
    ).toBe('mismatch:apps/Deployment/default/d')
  })

  it('diff() uses the default namespace for namespaced objects that name none', () => {
    expect(diff([cm('a')], [cm('a', 'team')], { defaultNamespace: 'team' })).toEqual([])
    expect(diff([cm('a')], [cm('a', 'team')]).map((f) => f.type)).toEqual(['missing'])
  })

  it('diff() reports no unexpected objects when the scope is false', () => {
    expect(diff([cm('a', 'x')], [cm('a', 'x'), cm('b', 'x')], { scope: false })).toEqual([])
  })

  it('diff() counts a field as drift when its manager is configured as an applier', () => {
    const live = {
      ...cm('a', 'x', { k: 'live' }),
      metadata: {
        name: 'a',
        namespace: 'x',
        managedFields: [
          {
            manager: 'my-gitops',
            operation: 'Apply',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': { 'f:k': {} } },
          },
        ],
      },
    }
    const desired = [cm('a', 'x', { k: 'git' })]
    expect(diff(desired, [live])).toEqual([])
    expect(diff(desired, [live], { appliers: ['my-gitops'] }).map((f) => f.type)).toEqual([
      'mismatch',
    ])
  })

  it('diff() lists owned-elsewhere fields on a finding that also drifts', () => {
    const desired = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: 2, paused: false },
    }
    const live = {
      ...desired,
      metadata: {
        name: 'd',
        namespace: 'default',
        managedFields: [
          {
            manager: 'kube-controller-manager',
            operation: 'Update',
            subresource: 'scale',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:spec': { 'f:replicas': {} } },
          },
        ],
      },
      spec: { replicas: 6, paused: true },
    }
    const [finding] = diff([desired], [live])
    expect(finding?.diffs.map((d) => d.path)).toEqual(['/spec/paused'])
    expect(finding?.ownedElsewhere).toEqual([
      { path: '/spec/replicas', desired: 2, live: 6, managers: ['kube-controller-manager'] },
    ])
  })

  it('diff() never puts a Secret value in its output', () => {
    const desired = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      stringData: { password: 'hunter2-secret' },
    }
    const live = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default' },
      data: { password: btoa('other-secret') },
    }
    const text = JSON.stringify(diff([desired], [live]))
    expect(text).toContain('/data/password')
    for (const leak of [
      'hunter2-secret',
      btoa('hunter2-secret'),
      'other-secret',
      btoa('other-secret'),
    ]) {
      expect(text).not.toContain(leak)
    }
    const gone = JSON.stringify(diff([desired], [{ ...live, data: undefined }]))
    expect(gone).toContain('"desired":{"password":"<redacted>"}')
  })

  it('diff() throws a ManifestError naming both places of an object declared twice', () => {
    const [a, b] = parseManifests(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: a, namespace: default }\n',
      'dup.yaml',
    )
    expect(() => diff([a!, b!], [])).toThrow(ManifestError)
    expect(() => diff([a!, b!], [])).toThrow(
      'dup.yaml:5: ConfigMap /ConfigMap/default/a is declared twice (first at dup.yaml:1)',
    )
  })

  it('diff() checks cluster-scoped objects only when their kind is in scope', () => {
    const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
    expect(diff([cm('a', 'x')], [cm('a', 'x'), ns('stray')])).toEqual([])
    const findings = diff([ns('x')], [ns('x'), ns('stray'), ns('kube-system')])
    expect(findings.map((f) => [f.type, f.resource.namespace, f.resource.name])).toEqual([
      ['unexpected', null, 'stray'],
    ])
  })
})

describe('driftSettingsSchema', () => {
  it('driftSettingsSchema parses config into options diff() takes', () => {
    const settings = driftSettingsSchema.parse({
      severities: { unexpected: 'medium' },
      ignoreDifferences: [{ kind: 'ConfigMap', jsonPointers: ['/data/ignored'] }],
      scope: { namespaces: ['x'] },
    })
    const findings = diff(
      [cm('a', 'x', { ignored: 'git' })],
      [cm('a', 'x', { ignored: 'live' }), cm('b', 'x')],
      settings,
    )
    expect(findings.map((f) => [f.type, f.severity, f.resource.name])).toEqual([
      ['unexpected', 'medium', 'b'],
    ])
  })

  test.each([
    ['a bad severity', { severities: { missing: 'urgent' } }],
    ['a pointer without a slash', { ignoreDifferences: [{ kind: 'A', jsonPointers: ['spec'] }] }],
    ['an unknown key', { ignoreDiferences: [] }],
  ])('driftSettingsSchema rejects %s', (_, input) => {
    expect(driftSettingsSchema.safeParse(input).success).toBe(false)
  })
})
