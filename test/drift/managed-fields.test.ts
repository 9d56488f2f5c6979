import { describe, expect, it, test } from 'bun:test'
import {
  managedFields,
  otherOwners,
  owns,
  type FieldSegment,
  type KubeObject,
} from '../../src/drift/index.ts'

const live: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    managedFields: [
      {
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:template': {
              'f:spec': {
                'f:containers': {
                  'k:{"name":"web"}': {
                    '.': {},
                    'f:image': {},
                    'f:ports': {
                      'k:{"containerPort":80,"protocol":"TCP"}': { 'f:containerPort': {} },
                    },
                  },
                },
              },
            },
            'f:args': {},
            'f:finalizers': { 'v:"a/b"': {} },
          },
        },
      },
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        subresource: 'scale',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
      { manager: 'broken', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:x': 3 } },
      { manager: 'other-format', operation: 'Apply', fieldsType: 'FieldsV2', fieldsV1: {} },
    ],
  },
}

const f = (...names: string[]): FieldSegment[] => names.map((field) => ({ field }))
const web = { item: { name: 'web', image: 'x' }, index: 0 }

describe('managedFields', () => {
  it('managedFields() parses FieldsV1 entries and skips malformed ones', () => {
    const entries = managedFields(live)
    expect(entries.map((e) => [e.manager, e.operation, e.subresource])).toEqual([
      ['kubectl-client-side-apply', 'Update', undefined],
      ['kube-controller-manager', 'Update', 'scale'],
    ])
    expect(managedFields({ metadata: {} })).toEqual([])
    expect(managedFields({ metadata: { managedFields: 'nope' } })).toEqual([])
  })

  const [kubectl] = managedFields(live)
  test.each([
    ['a field', f('metadata', 'labels', 'app'), true],
    ['a map node itself', f('metadata', 'labels'), true],
    ['an undeclared field', f('metadata', 'labels', 'team'), false],
    [
      'a keyed item',
      [...f('spec', 'template', 'spec', 'containers'), web, { field: 'image' }],
      true,
    ],
    [
      'another keyed item',
      [
        ...f('spec', 'template', 'spec', 'containers'),
        { item: { name: 'log' }, index: 1 },
        { field: 'image' },
      ],
      false,
    ],
    [
      'an item keyed by two fields, protocol defaulted',
      [
        ...f('spec', 'template', 'spec', 'containers'),
        web,
        { field: 'ports' },
        { item: { containerPort: 80 }, index: 0 },
        { field: 'containerPort' },
      ],
      true,
    ],
    ['a set item', [...f('spec', 'finalizers'), { item: 'a/b', index: 0 }], true],
    ['inside a field owned whole', [...f('spec', 'args'), { item: '--x', index: 2 }], true],
  ])('owns() finds %s', (_, path, want) => {
    expect(owns(kubectl!.fields, path)).toBe(want)
  })

  it('otherOwners() names managers other than the appliers, and none when an applier owns it too', () => {
    const entries = managedFields(live)
    expect(otherOwners(entries, f('spec', 'replicas'))).toEqual(['kube-controller-manager'])
    expect(otherOwners(entries, f('metadata', 'labels', 'app'))).toEqual([])
    expect(otherOwners(entries, f('spec', 'replicas'), ['kube-*'])).toEqual([])
    expect(otherOwners(entries, f('spec', 'paused'))).toEqual([])
  })
})
