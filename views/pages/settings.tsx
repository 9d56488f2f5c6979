/** @jsxImportSource hono/jsx */
/** Settings: the Users and Tokens sections, each re-rendered in place by htmx after a change. */
import { permissions, roles } from '../../src/auth/permissions.ts'
import type { ApiToken, User } from '../../src/auth/types.ts'
import { formatTime as when } from '../../src/units.ts'

/** Flash is the message shown after a change: a secret to copy now, or an error. */
export interface Flash {
  kind: 'ok' | 'error' | 'secret'
  text: string
  secret?: string
}

function FlashBox(props: { flash?: Flash | undefined }) {
  const f = props.flash
  if (!f) return null
  return (
    <div class={`flash ${f.kind}`} role={f.kind === 'error' ? 'alert' : 'status'}>
      <p>{f.text}</p>
      {f.secret ? (
        <p>
          <code class="secret" data-secret>
            {f.secret}
          </code>
          <br />
          <small>Copy it now: it is not stored and will not be shown again.</small>
        </p>
      ) : null}
    </div>
  )
}

/** UsersSection lists users with their actions and a form to add one. */
export function UsersSection(props: { users: User[]; flash?: Flash | undefined; self: string }) {
  return (
    <section class="panel" id="users" hx-target:inherited="#users" hx-swap:inherited="outerHTML">
      <h2>Users</h2>
      <FlashBox flash={props.flash} />
      <table class="table">
        <thead>
          <tr>
            <th>User</th>
            <th>Role</th>
            <th>Status</th>
            <th>Created</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <tr data-user={u.username}>
              <td>{u.username}</td>
              <td>
                <form
                  hx-post={`/dashboard/settings/users/${u.username}/role`}
                  hx-trigger="change"
                  class="inline"
                >
                  <select
                    name="role"
                    aria-label={`Role of ${u.username}`}
                    disabled={u.username === props.self}
                  >
                    {roles.map((r) => (
                      <option value={r} selected={r === u.role}>
                        {r}
                      </option>
                    ))}
                  </select>
                </form>
              </td>
              <td>
                {u.disabled ? (
                  <span class="badge failure">disabled</span>
                ) : (
                  <span class="badge success">active</span>
                )}
              </td>
              <td>{when(u.createdAt)}</td>
              <td class="actions">
                {u.username === props.self ? null : (
                  <button
                    type="button"
                    hx-post={`/dashboard/settings/users/${u.username}/${u.disabled ? 'enable' : 'disable'}`}
                  >
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                )}
                <button
                  type="button"
                  hx-post={`/dashboard/settings/users/${u.username}/reset-password`}
                  hx-confirm={`Reset the password of ${u.username}? Their sessions end.`}
                >
                  Reset password
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form hx-post="/dashboard/settings/users" class="filters">
        <label>
          Username <input name="username" required maxlength={64} />
        </label>
        <label>
          Role
          <select name="role">
            {roles.map((r) => (
              <option value={r} selected={r === 'viewer'}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          Password{' '}
          <input
            name="password"
            type="password"
            maxlength={128}
            placeholder="empty: generate one"
            autocomplete="new-password"
          />
        </label>
        <button type="submit">Add user</button>
      </form>
    </section>
  )
}

/** TokensSection lists API tokens and a form to create one. */
export function TokensSection(props: { tokens: ApiToken[]; flash?: Flash | undefined }) {
  return (
    <section class="panel" id="tokens" hx-target:inherited="#tokens" hx-swap:inherited="outerHTML">
      <h2>API tokens</h2>
      <FlashBox flash={props.flash} />
      {props.tokens.length === 0 ? (
        <p class="muted">No tokens yet. Agents need one with the ingest:write scope.</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Token</th>
              <th>Scopes</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {props.tokens.map((t) => (
              <tr data-token={t.name} class={t.revokedAt !== null ? 'revoked' : undefined}>
                <td>{t.name}</td>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                <td>{t.scopes.join(', ')}</td>
                <td>
                  {when(t.createdAt)} <small class="muted">by {t.createdBy}</small>
                </td>
                <td>{when(t.expiresAt)}</td>
                <td>{when(t.lastUsedAt)}</td>
                <td class="actions">
                  {t.revokedAt !== null ? (
                    <span class="badge failure">revoked</span>
                  ) : (
                    <button
                      type="button"
                      hx-post={`/dashboard/settings/tokens/${t.name}/revoke`}
                      hx-confirm={`Revoke ${t.name}? Clients using it stop working at once.`}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form hx-post="/dashboard/settings/tokens" class="filters">
        <label>
          Name <input name="name" required maxlength={64} />
        </label>
        <label>
          Expires <input name="expires" placeholder="30d, or empty for never" maxlength={40} />
        </label>
        <fieldset class="scopes">
          <legend>Scopes</legend>
          {permissions.map((p) => (
            <label class="check">
              <input type="checkbox" name="scopes" value={p} checked={p === 'ingest:write'} /> {p}
            </label>
          ))}
        </fieldset>
        <button type="submit">Create token</button>
      </form>
    </section>
  )
}

/** SettingsPage holds both sections. */
export function SettingsPage(props: { users: User[]; tokens: ApiToken[]; self: string }) {
  return (
    <>
      <h1>Settings</h1>
      <UsersSection users={props.users} self={props.self} />
      <TokensSection tokens={props.tokens} />
    </>
  )
}
