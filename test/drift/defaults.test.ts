import { describe, expect, it, test } from 'bun:test'
import { imagePullPolicyFor, withDefaults } from '../../src/drift/index.ts'

describe('defaults', () => {
  test.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['registry.local:5000/app', 'Always'],
    ['registry.local:5000/app:2', 'IfNotPresent'],
    ['app@sha256:0123456789abcdef', 'IfNotPresent'],
  ])('imagePullPolicyFor(%p) is %p', (image, policy) => {
    expect(imagePullPolicyFor(image)).toBe(policy as 'Always')
  })

  it('withDefaults() fills absent defaults of a CronJob pod template without touching the input', () => {
    const live = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: {
        jobTemplate: {
          spec: {
            template: {
              spec: { containers: [{ name: 'c', image: 'x:1', imagePullPolicy: 'Never' }] },
            },
          },
        },
      },
    }
    const copy = JSON.stringify(live)
    const filled = withDefaults(live) as typeof live
    const spec = filled.spec.jobTemplate.spec.template.spec as Record<string, unknown>
    expect(spec.dnsPolicy).toBe('ClusterFirst')
    expect(spec.restartPolicy).toBeUndefined()
    expect(spec.containers).toEqual([
      {
        name: 'c',
        image: 'x:1',
        imagePullPolicy: 'Never',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        resources: {},
      },
    ])
    expect(JSON.stringify(live)).toBe(copy)
  })

  it('withDefaults() defaults a Service port target to the port and its protocol to TCP', () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { ports: [{ port: 80 }] },
    }
    expect(withDefaults(svc).spec).toEqual({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    })
  })
})
