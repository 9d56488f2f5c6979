/**
 * Compliance evaluation as a pure function: checkCompliance(policies, objects) → violations. Works
 * on desired manifests and live objects alike (audit mode: it reports, never blocks). Built-in
 * checks look at the pod spec of Pods and of the templates of Deployments, StatefulSets,
 * DaemonSets, ReplicaSets, Jobs and CronJobs; user rules at any object their match selects.
 */
import {
  kindKey,
  matchKey,
  record,
  resourceId,
  resourceRef,
  Scopes,
  type IdentityOptions,
} from '../identity.ts'
import { podSpecOf } from '../pod-spec.ts'
import { globMatch } from '../pointer.ts'
import { selectorMatches } from '../selector.ts'
import type { KubeObject, Manifest, ResourceId, ResourceRef, Severity, Source } from '../types.ts'
import { builtins, type Hit } from './builtins.ts'
import { describe, failures } from './conditions.ts'
import type { CompliancePolicy, Match, UserRule } from './schema.ts'

/** Violation is one place where an object breaks a rule. */
export interface Violation {
  /** key is stable across scans for the same violation (policy, rule, resource, path). */
  key: string
  policy: string
  rule: string
  severity: Severity
  resource: ResourceRef
  path: string
  message: string
  /** Where the object was declared, when it came from a manifest. */
  source: Source | null
}

interface Target {
  object: KubeObject
  id: ResourceId
  source: Source | null
}

/** matches is true when an object is of a matched kind, in a matched namespace, with matched labels. */
export function matches(match: Match | undefined, target: Target): boolean {
  if (!match) return true
  const { id } = target
  const key = kindKey(id.group, id.kind)
  if (match.kinds && !match.kinds.some((k) => globMatch(k, k.includes('/') ? key : id.kind))) {
    return false
  }
  if (match.namespaces) {
    if (id.namespace === null || !match.namespaces.some((n) => globMatch(n, id.namespace ?? ''))) {
      return false
    }
  }
  const labels = record(record(target.object.metadata)?.labels) ?? {}
  return !match.selector || selectorMatches(match.selector, labels)
}

function userHits(rule: UserRule, target: Target): Hit[] {
  let root: unknown = target.object
  let base: readonly string[] = []
  if (rule.root === 'podSpec') {
    const pod = podSpecOf(target.object)
    if (!pod) return []
    root = pod.spec
    base = pod.path
  }
  const message = rule.message ?? describe(rule.require)
  return failures(rule.require, root, base).map((path) => ({ path, message }))
}

/** checkCompliance evaluates every rule of every policy over the objects (manifests or plain objects). */
export function checkCompliance(
  policies: readonly CompliancePolicy[],
  objects: readonly (Manifest | KubeObject)[],
  options: IdentityOptions = {},
): Violation[] {
  const scopes = new Scopes(options.kinds)
  const targets: Target[] = objects.flatMap((entry) => {
    const m = 'source' in entry && 'object' in entry ? (entry as Manifest) : undefined
    const object = m ? m.object : (entry as KubeObject)
    const id = resourceId(object, scopes, options.defaultNamespace)
    return id ? [{ object, id, source: m?.source ?? null }] : []
  })
  const violations: Violation[] = []
  for (const policy of policies) {
    for (const rule of policy.spec.rules) {
      const ruleName = 'builtin' in rule ? rule.builtin : rule.name
      const severity =
        rule.severity ?? ('builtin' in rule ? builtins[rule.builtin].severity : 'medium')
      for (const target of targets) {
        if (!matches(policy.spec.match, target) || !matches(rule.match, target)) continue
        let hits: Hit[]
        if ('builtin' in rule) {
          const pod = podSpecOf(target.object)
          hits = pod ? builtins[rule.builtin].check({ object: target.object, ...pod }) : []
        } else {
          hits = userHits(rule, target)
        }
        for (const hit of hits) {
          violations.push({
            key: `${policy.metadata.name}/${ruleName}:${matchKey(target.id)}:${hit.path}`,
            policy: policy.metadata.name,
            rule: ruleName,
            severity,
            resource: resourceRef(target.id),
            path: hit.path,
            message: hit.message,
            source: target.source,
          })
        }
      }
    }
  }
  return violations
}
