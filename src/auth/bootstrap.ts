/**
 * First start: on an empty database, create the user `admin` with the password from
 * VIGIL_ADMIN_PASSWORD or a random one that the caller prints once. There is no default password.
 */
import type { AuditStore } from '../audit/store.ts'
import { ConflictError, ValidationError } from '../errors.ts'
import { randomPassword } from './admin.ts'
import type { Auth } from './service.ts'

/** ensureAdmin creates `admin` when no user exists; returns the password when it generated one. */
export async function ensureAdmin(
  auth: Auth,
  audit: AuditStore,
  configured: string | undefined,
): Promise<{ created: boolean; generatedPassword?: string }> {
  if ((await auth.users.count()) > 0) return { created: false }
  const password = configured ?? randomPassword()
  try {
    await auth.users.create('admin', password, 'admin')
  } catch (err) {
    // Another replica got there first.
    if (err instanceof ConflictError) return { created: false }
    if (err instanceof ValidationError && configured) {
      throw new ValidationError(`VIGIL_ADMIN_PASSWORD is not acceptable: ${err.message}`)
    }
    throw err
  }
  await audit.append({
    actor: 'vigil',
    actorType: 'system',
    action: 'user.create',
    target: 'user:admin',
    outcome: 'success',
    details: {
      role: 'admin',
      reason: 'first start',
      password: configured ? 'VIGIL_ADMIN_PASSWORD' : 'generated',
    },
  })
  return configured ? { created: true } : { created: true, generatedPassword: password }
}
