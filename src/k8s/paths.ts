/** URL paths of the Kubernetes REST API, and the apiVersion of a group version. Pure. */
import type { ResourceRef } from './types.ts'

/** groupVersionPath is `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`
}

/** collectionPath is the URL path of a collection, namespaced when the ref has a namespace. */
export function collectionPath(ref: ResourceRef): string {
  const ns = ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : ''
  return `${groupVersionPath(ref.group, ref.version)}${ns}/${ref.resource}`
}

/** objectPath is the URL path of one object of a collection. */
export function objectPath(ref: ResourceRef, name: string): string {
  return `${collectionPath(ref)}/${encodeURIComponent(name)}`
}

/** apiVersionOf is `v1` for the core group, `<group>/<version>` otherwise. */
export function apiVersionOf(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`
}

/** splitApiVersion splits `apps/v1` into group and version (`v1` is the core group). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/')
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) }
}

/** refKey is a stable key for a collection and a selector (the shared-cache key). */
export function refKey(ref: ResourceRef, labelSelector = '', fieldSelector = ''): string {
  return [
    ref.group,
    ref.version,
    ref.resource,
    ref.namespace ?? '',
    labelSelector,
    fieldSelector,
  ].join('|')
}
