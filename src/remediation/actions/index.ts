/**
 * The remediation actions: one file per action, each a zod parameter schema, the object it
 * changes, its blast radius, a run that honours server-side dry run and a verification that waits
 * for the effect to show in the cluster. The registry below is typed by `actionNames`, so an
 * action named in policies but missing here (or the other way round) fails to compile. Adding an
 * action touches `actionNames` (src/policy/kinds/remediation-policy.ts), a file here, this
 * registry and its tests.
 */
import type { ActionDefinition, ActionName } from '../types.ts'
import { applyManifest } from './apply-manifest.ts'
import { cordonNode } from './cordon-node.ts'
import { deleteUnexpected } from './delete-unexpected.ts'
import { drainNode } from './drain-node.ts'
import { restartPod } from './restart-pod.ts'
import { rollbackDeployment } from './rollback-deployment.ts'
import { rolloutRestart } from './rollout-restart.ts'
import { runCommand } from './run-command.ts'
import { scaleDeployment } from './scale-deployment.ts'
import { uncordonNode } from './uncordon-node.ts'

export { ActionRefusedError, VerificationError, isTransient, waitFor } from './verification.ts'

/** actions maps every action name to its definition. */
export const actions = {
  restart_pod: restartPod,
  rollout_restart: rolloutRestart,
  scale_deployment: scaleDeployment,
  rollback_deployment: rollbackDeployment,
  apply_manifest: applyManifest,
  delete_unexpected: deleteUnexpected,
  cordon_node: cordonNode,
  uncordon_node: uncordonNode,
  drain_node: drainNode,
  run_command: runCommand,
} satisfies Record<ActionName, ActionDefinition<any>>

/** actionFor returns the definition of a named action; an unknown name throws, listing the known. */
export function actionFor(name: string): ActionDefinition<unknown> {
  if (!Object.hasOwn(actions, name))
    throw new Error(`unknown action ${name}: one of ${Object.keys(actions).join(', ')}`)
  return actions[name as ActionName] as ActionDefinition<unknown>
}
