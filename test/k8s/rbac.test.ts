import { describe, expect, it } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { settings } from '../../src/config.ts'
import { actions } from '../../src/remediation/actions/index.ts'
import { actionRbac, driftKinds, leaseRbac } from '../../src/remediation/actions/rbac.ts'
import { shipped, objectsIn } from './kustomize.ts'

const { base, all } = shipped()

type Rule = {
  apiGroups?: string[]
  resources?: string[]
  verbs?: string[]
  resourceNames?: string[]
}
const rulesOf = (name: string): Rule[] =>
  objectsIn(all, 'Role', 'ClusterRole').find((r) => r.metadata.name === name)?.rules ?? []
const grants = (rules: readonly Rule[]) =>
  new Set(
    rules.flatMap((r) =>
      (r.apiGroups ?? []).flatMap((g) =>
        (r.resources ?? []).flatMap((res) => (r.verbs ?? []).map((v) => `${g}/${res}:${v}`)),
      ),
    ),
  )
const sorted = (s: Set<string>) => [...s].sort()

describe('k8s RBAC', () => {
  const roles = objectsIn(all, 'Role', 'ClusterRole')

  it('no rule has a wildcard in apiGroups, resources or verbs', () => {
    expect(roles.length).toBe(5)
    for (const r of roles.flatMap((r: any) => r.rules as Rule[]))
      for (const v of [...(r.apiGroups ?? []), ...(r.resources ?? []), ...(r.verbs ?? [])])
        expect(v).not.toContain('*')
  })

  it('no ClusterRole of the base reads Secrets (only the drift-secrets component)', () => {
    for (const r of objectsIn(base, 'ClusterRole'))
      expect([...grants(r.rules)].filter((g) => g.startsWith('/secrets'))).toEqual([])
    expect(sorted(grants(rulesOf('vigil-drift-secrets')))).toEqual([
      '/secrets:get',
      '/secrets:list',
      '/secrets:watch',
    ])
  })

  it('vigil-drift-read is get, list and watch on exactly the drift kinds', () => {
    const want = new Set(
      driftKinds.flatMap((k) =>
        ['get', 'list', 'watch'].map((v) => `${k.apiGroup}/${k.resource}:${v}`),
      ),
    )
    expect(sorted(grants(rulesOf('vigil-drift-read')))).toEqual(sorted(want))
  })

  it('vigil-remediation and vigil-node-remediation grant exactly what the actions use', () => {
    expect(Object.keys(actionRbac).sort()).toEqual(Object.keys(actions).sort())
    const used = Object.values(actionRbac).flatMap((rules) =>
      rules.map((r) => ({ apiGroups: [r.apiGroup], resources: [r.resource], verbs: [...r.verbs] })),
    )
    const granted = [...rulesOf('vigil-remediation'), ...rulesOf('vigil-node-remediation')]
    expect(sorted(grants(granted))).toEqual(sorted(grants(used)))
    // Nodes only come with the component.
    expect(sorted(grants(rulesOf('vigil-node-remediation')))).toEqual([
      '/nodes:get',
      '/nodes:list',
      '/nodes:patch',
    ])
  })

  it('the Lease Role has the calls of src/leader/kubernetes.ts, limited to the Lease where RBAC can', () => {
    const source = readFileSync(join(import.meta.dir, '../../src/leader/kubernetes.ts'), 'utf8')
    const calls = new Set(
      [...source.matchAll(/cluster\.(\w+)\(/g)].map((m) => (m[1] === 'replace' ? 'update' : m[1]!)),
    )
    expect(sorted(calls)).toEqual([...leaseRbac.verbs].sort())
    const rules = rulesOf('vigil-leader')
    expect(sorted(grants(rules))).toEqual(
      sorted(new Set(leaseRbac.verbs.map((v) => `coordination.k8s.io/leases:${v}`))),
    )
    const leaseName = Object.values(settings).find(
      (s) => s.env === 'VIGIL_LEADER_LEASE_NAME',
    )!.default
    for (const r of rules)
      expect(r.resourceNames).toEqual(
        r.verbs!.includes('create') ? undefined : [leaseName as string],
      )
  })

  it('every binding binds an existing role to the vigil ServiceAccount', () => {
    const names = new Set(roles.map((r: any) => `${r.kind}/${r.metadata.name}`))
    for (const b of objectsIn(all, 'RoleBinding', 'ClusterRoleBinding')) {
      expect(names).toContain(`${b.roleRef.kind}/${b.roleRef.name}`)
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'vigil', namespace: 'vigil' }])
    }
    expect(objectsIn(all, 'RoleBinding', 'ClusterRoleBinding').length).toBe(roles.length)
  })
})
