/** @jsxImportSource hono/jsx */
/**
 * The Channels page: every notification channel with its type, where it is defined, its rate
 * limit and its configuration with the secrets masked, and a "Send test" button per channel for
 * those who may change policies.
 */

/** ChannelRow is a channel as the API presents it. */
export interface ChannelRow {
  name: string
  type: string
  source: string
  error?: string
  rate_limit: number
  config: unknown
}

/** ChannelsPage renders the table and, after a test, what became of it. */
export function ChannelsPage(props: {
  channels: ChannelRow[]
  canWrite: boolean
  csrfToken: string | undefined
  flash?: { kind: 'ok' | 'error'; text: string } | undefined
}) {
  return (
    <>
      <h1>Notification channels</h1>
      {props.flash ? (
        <p
          class={`flash ${props.flash.kind}`}
          id="channel-flash"
          role={props.flash.kind === 'error' ? 'alert' : undefined}
        >
          {props.flash.text}
        </p>
      ) : null}
      <section class="panel">
        {props.channels.length === 0 ? (
          <p class="muted" id="no-channels">
            <strong>No channels yet.</strong> Create one with <code>POST /api/v1/channels</code> (
            <code>{'{"name","type":"slack|webhook|email|pagerduty","config":{...}}'}</code>) or in
            the notify file (<code>VIGIL_NOTIFY_FILE</code>); alert rules name them in{' '}
            <code>notify</code>.
          </p>
        ) : (
          <table id="channels">
            <thead>
              <tr>
                <th>name</th>
                <th>type</th>
                <th>from</th>
                <th>rate limit</th>
                <th>configuration</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {props.channels.map((ch) => (
                <tr data-channel={ch.name}>
                  <td>
                    <code>{ch.name}</code>
                    {ch.error ? <div class="error">{ch.error}</div> : null}
                  </td>
                  <td>{ch.type}</td>
                  <td>{ch.source === 'file' ? 'notify file' : 'API'}</td>
                  <td>{ch.rate_limit ? `${ch.rate_limit}/min` : 'none'}</td>
                  <td>
                    <code>{JSON.stringify(ch.config)}</code>
                  </td>
                  <td>
                    {props.canWrite ? (
                      <form
                        method="post"
                        action={`/dashboard/channels/${encodeURIComponent(ch.name)}/test`}
                      >
                        <input type="hidden" name="_csrf" value={props.csrfToken ?? ''} />
                        <button type="submit">Send test</button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
