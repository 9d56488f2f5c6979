import { describe, expect, it } from 'bun:test'
import { decodeFields, encodeFields, fieldsOf } from '../fixtures/k8s/fields.ts'
import { jsonPatch, mergePatch, strategicMerge } from '../fixtures/k8s/patch.ts'
import { parseLabelSelector } from '../fixtures/k8s/selector.ts'

const spec = (containers: unknown[]) => ({ spec: { template: { spec: { containers } } } })

describe('fake server patch', () => {
  it.each([
    [
      'sets and deletes keys',
      { a: 1, b: { c: 2, d: 3 } },
      { b: { c: null, e: 4 } },
      { a: 1, b: { d: 3, e: 4 } },
    ],
    ['replaces lists whole', { l: [1, 2] }, { l: [3] }, { l: [3] }],
    ['replaces a scalar with an object', { a: 1 }, { a: { b: 1 } }, { a: { b: 1 } }],
  ])('mergePatch() %s', (_, target, patch, want) => {
    expect(mergePatch(target, patch)).toEqual(want)
  })

  it.each([
    [
      'merges containers by name and keeps the others',
      spec([
        { name: 'a', image: 'a:1' },
        { name: 'b', image: 'b:1' },
      ]),
      spec([
        { name: 'b', image: 'b:2' },
        { name: 'c', image: 'c:1' },
      ]),
      spec([
        { name: 'a', image: 'a:1' },
        { name: 'b', image: 'b:2' },
        { name: 'c', image: 'c:1' },
      ]),
    ],
    [
      'merges env by name and container ports by containerPort',
      spec([
        {
          name: 'a',
          env: [{ name: 'X', value: '1' }],
          ports: [{ containerPort: 80, name: 'http' }],
        },
      ]),
      spec([
        {
          name: 'a',
          env: [{ name: 'Y', value: '2' }],
          ports: [{ containerPort: 80, protocol: 'TCP' }],
        },
      ]),
      spec([
        {
          name: 'a',
          env: [
            { name: 'X', value: '1' },
            { name: 'Y', value: '2' },
          ],
          ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }],
        },
      ]),
    ],
    [
      'deletes a keyed item with $patch: delete',
      spec([{ name: 'a' }, { name: 'b' }]),
      spec([{ name: 'a', $patch: 'delete' }]),
      spec([{ name: 'b' }]),
    ],
    [
      'merges volumes by name and service ports by port',
      { spec: { volumes: [{ name: 'v', emptyDir: {} }], ports: [{ port: 80, targetPort: 8080 }] } },
      { spec: { volumes: [{ name: 'w', emptyDir: {} }], ports: [{ port: 80, targetPort: 9090 }] } },
      {
        spec: {
          volumes: [
            { name: 'v', emptyDir: {} },
            { name: 'w', emptyDir: {} },
          ],
          ports: [{ port: 80, targetPort: 9090 }],
        },
      },
    ],
    [
      'replaces lists without a merge key',
      { spec: { args: ['a', 'b'] } },
      { spec: { args: ['c'] } },
      { spec: { args: ['c'] } },
    ],
  ])('strategicMerge() %s', (_, target, patch, want) => {
    expect(strategicMerge(target, patch)).toEqual(want)
  })

  it('jsonPatch() adds, replaces, removes and tests', () => {
    const out = jsonPatch({ a: [1, 2], b: { c: 1 } }, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'replace', path: '/b/c', value: 2 },
      { op: 'remove', path: '/a/0' },
      { op: 'test', path: '/b/c', value: 2 },
    ])
    expect(out).toEqual({ a: [2, 3], b: { c: 2 } })
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(
      'test operation',
    )
  })
})

describe('fake server selector', () => {
  const labels = { app: 'web', env: 'prod' }
  it.each([
    ['app=web', true],
    ['app==web,env=prod', true],
    ['app!=web', false],
    ['env in (prod,dev)', true],
    ['env notin (prod)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['!app', false],
    ['', true],
  ])('parseLabelSelector(%j) matches app=web,env=prod: %p', (selector, want) => {
    expect(parseLabelSelector(selector)(labels)).toBe(want)
  })

  it('parseLabelSelector() refuses a malformed selector with 400', () => {
    expect(() => parseLabelSelector('app===web')).toThrow('unable to parse requirement')
  })
})

describe('fake server fields', () => {
  it('fieldsOf() uses f: and k: segments and round-trips through fieldsV1', () => {
    const object = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'a:1' }] } } },
      status: { replicas: 2 },
    }
    const encoded = encodeFields(fieldsOf(object))
    expect(encoded).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:spec': {
            'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } },
          },
        },
      },
    })
    expect(decodeFields(encoded)).toEqual(fieldsOf(object))
  })
})
