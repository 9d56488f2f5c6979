/**
 * delete_unexpected deletes an object that should not exist (drift the repository does not
 * declare). It refuses the kinds whose deletion takes much else with it and anything in
 * kube-system. Verified when a get finds nothing.
 */
import { z } from 'zod'
import type { ResourceRef } from '../../k8s/types.ts'
import type { ActionContext, ActionDefinition } from '../types.ts'
import { mustGet, writeOptions } from './cluster-objects.ts'
import { apiVersion, dnsSubdomain, kindName, namespace } from './params.ts'
import { ActionRefusedError, waitFor } from './verification.ts'

/** protectedKinds are never deleted by vigil, and why. */
export const protectedKinds: Record<string, string> = {
  Namespace: 'deleting a Namespace deletes everything in it',
  Node: 'deleting a Node takes it out of the cluster (drain it instead)',
  CustomResourceDefinition: 'deleting a CustomResourceDefinition deletes every object of its kind',
}

const params = z
  .strictObject({ apiVersion, kind: kindName, namespace: namespace.optional(), name: dnsSubdomain })
  .superRefine((p, issue) => {
    const why = refusal(p)
    if (why)
      issue.addIssue({
        code: 'custom',
        message: why,
        path: [why.includes('kube-system') ? 'namespace' : 'kind'],
      })
  })

/** DeleteUnexpectedParams name the object to delete. */
export type DeleteUnexpectedParams = z.output<typeof params>

/** DeleteOutput identifies the object deleted, so verify can tell it from a recreated one. */
export interface DeleteOutput {
  uid: string | undefined
  resourceVersion: string | undefined
  dryRun: boolean
}

function refusal(p: { kind: string; namespace?: string | undefined }): string | null {
  const why = protectedKinds[p.kind]
  if (why) return `refusing to delete a ${p.kind}: ${why}`
  if (p.namespace === 'kube-system')
    return "refusing to delete in kube-system: it holds the cluster's own components"
  return null
}

async function refOf(ctx: ActionContext, p: DeleteUnexpectedParams): Promise<ResourceRef> {
  const r = await ctx.cluster.resourceFor(p.apiVersion, p.kind)
  if (r.namespaced && !p.namespace)
    throw new ActionRefusedError(`${p.kind} is namespaced: give the namespace of ${p.name}`)
  return {
    group: r.group,
    version: r.version,
    resource: r.resource,
    namespace: r.namespaced ? p.namespace : undefined,
  }
}

/** deleteUnexpected is the delete_unexpected action. */
export const deleteUnexpected: ActionDefinition<DeleteUnexpectedParams> = {
  name: 'delete_unexpected',
  summary: 'Delete an object that should not exist',
  params,
  timeoutMs: 2 * 60_000,
  target: (p) => ({ kind: p.kind, namespace: p.namespace, name: p.name }),

  async run(ctx, p) {
    const why = refusal(p)
    if (why) throw new ActionRefusedError(why)
    const ref = await refOf(ctx, p)
    const live = await mustGet(ctx, ref, p.name, p.kind)
    await ctx.cluster.delete(ref, p.name, { ...writeOptions(ctx), propagationPolicy: 'Background' })
    const output: DeleteOutput = {
      uid: live.metadata.uid,
      resourceVersion: live.metadata.resourceVersion,
      dryRun: ctx.dryRun,
    }
    const where = ref.namespace ? `${ref.namespace}/${p.name}` : p.name
    return { message: `${ctx.dryRun ? 'would delete' : 'deleted'} ${p.kind} ${where}`, output }
  },

  async verify(ctx, p, out, timeoutMs) {
    const { uid } = out.output as DeleteOutput
    const ref = await refOf(ctx, p)
    const where = ref.namespace ? `${ref.namespace}/${p.name}` : p.name
    await waitFor(
      ctx,
      async () => {
        const live = await ctx.cluster.get(ref, p.name)
        if (!live) return true
        return live.metadata.uid === uid
          ? 'the object is still there (a finalizer may hold it)'
          : `the object was recreated (uid ${live.metadata.uid})`
      },
      timeoutMs,
      `${p.kind} ${where} gone`,
    )
    return `${p.kind} ${where} is gone`
  },
}
