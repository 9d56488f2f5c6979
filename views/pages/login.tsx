/** @jsxImportSource hono/jsx */
/** The login page: a plain form that works without JavaScript. */

/** LoginPage renders the sign-in form, with an error when the last attempt failed. */
export function LoginPage(props: { next: string; username?: string; error?: string }) {
  return (
    <section class="panel login">
      <h1>Sign in to vigil</h1>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action="/login" class="stack">
        <input type="hidden" name="next" value={props.next} />
        <label>
          Username
          <input
            name="username"
            autocomplete="username"
            required
            maxlength={64}
            value={props.username ?? ''}
            autofocus={!props.username}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            maxlength={128}
            autofocus={!!props.username}
          />
        </label>
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
    </section>
  )
}
