/** Signing in through the real routes, for tests: session cookies, CSRF tokens, API tokens. */
import type { Permission } from '../../src/auth/permissions.ts'
import type { TestApp } from './app.ts'

/** origin is the origin `app.request()` uses. */
export const origin = 'http://localhost'

/** Session is a signed-in browser: its cookie header and CSRF token. */
export interface Session {
  cookie: string
  csrf: string
}

/** cookieFrom extracts `vigil_session=…` from a response. */
export function cookieFrom(res: Response): string | undefined {
  const header = res.headers.getSetCookie().find((c) => c.startsWith('vigil_session='))
  return header?.split(';')[0]
}

/** login posts the login form and returns the session, or throws with the status. */
export async function login(
  t: TestApp,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Session> {
  const res = await t.app.request('/login', {
    method: 'POST',
    headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ username, password, next: '/' }),
  })
  const cookie = cookieFrom(res)
  if (res.status !== 303 || !cookie) throw new Error(`login failed with ${res.status}`)
  const page = await (await t.app.request('/', { headers: { Cookie: cookie } })).text()
  const csrf = /X-CSRF-Token&quot;:&quot;([^&]+)&quot;/.exec(page)?.[1]
  if (!csrf) throw new Error('no CSRF token on the page')
  return { cookie, csrf }
}

/** addUser creates a user directly in the store. */
export async function addUser(
  t: TestApp,
  username: string,
  role: string,
  password = 'correct-horse-battery',
) {
  return t.auth.users.create(username, password, role)
}

/** bearer creates an API token with these scopes and returns its Authorization header. */
export async function bearer(
  t: TestApp,
  scopes: Permission[],
  name = `t-${Math.random().toString(36).slice(2)}`,
) {
  const { token } = await t.auth.tokens.create({ name, scopes, createdBy: 'test' })
  return { Authorization: `Bearer ${token}` }
}
