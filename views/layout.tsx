/** @jsxImportSource hono/jsx */
/** The page frame every dashboard page uses: head, navigation, theme switch, content, footer. */
import type { Child } from 'hono/jsx'
import { assetUrl } from '../src/runtime/assets.ts'
import type { Section } from '../src/dashboard/sections.ts'

/** LayoutProps are what a page hands the frame. */
export interface LayoutProps {
  title: string
  active: string
  sections: Section[]
  version: string
  /** The signed-in user; undefined on the login page. */
  user?: { name: string; role: string } | undefined
  /** The global remediation mode, shown as a badge to the signed in. */
  remediationMode?: 'off' | 'dry_run' | 'enforce' | undefined
  /** The session's CSRF token, sent by htmx on every request. */
  csrfToken?: string | undefined
  /** Extra assets of the page (e.g. the chart library), by embedded file name. */
  assets?:
    | (
        | 'uPlot.iife.min.js'
        | 'uPlot.min.css'
        | 'overlay.js'
        | 'metrics.js'
        | 'logs.js'
        | 'incidents.js'
      )[]
    | undefined
  children?: Child
}

/** Layout renders a whole HTML document around a page's content. */
export function Layout(props: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="htmx-config" content='{"includeIndicatorCSS":false}' />
        <title>{`${props.title} · vigil`}</title>
        <link rel="icon" type="image/svg+xml" href={assetUrl('favicon.svg')} />
        <link rel="stylesheet" href={assetUrl('app.css')} />
        <script src={assetUrl('app.js')}></script>
        <script src={assetUrl('htmx.min.js')} defer></script>
        <script src={assetUrl('hx-sse.min.js')} defer></script>
        {(props.assets ?? []).map((name) =>
          name.endsWith('.css') ? (
            <link rel="stylesheet" href={assetUrl(name)} />
          ) : (
            <script src={assetUrl(name)} defer></script>
          ),
        )}
      </head>
      <body
        hx-headers:inherited={
          props.csrfToken ? JSON.stringify({ 'X-CSRF-Token': props.csrfToken }) : undefined
        }
      >
        <header class="topbar">
          <a class="brand" href="/">
            vigil
          </a>
          <div class="topbar-right">
            {props.remediationMode ? (
              <span
                class={`badge remediation-mode mode-${props.remediationMode}`}
                id="remediation-mode"
                title="The server's remediation mode (VIGIL_REMEDIATION_MODE)"
              >
                remediation:{' '}
                {props.remediationMode === 'dry_run' ? 'dry run' : props.remediationMode}
              </span>
            ) : null}
            {props.user ? (
              <form method="post" action="/logout" class="logout">
                <input type="hidden" name="_csrf" value={props.csrfToken ?? ''} />
                <span class="whoami" data-user={props.user.name}>
                  {props.user.name} <small>{props.user.role}</small>
                </span>
                <button type="submit" class="link-button">
                  Log out
                </button>
              </form>
            ) : null}
            <button
              type="button"
              id="theme-toggle"
              class="theme-toggle"
              aria-label="Switch between light and dark theme"
              title="Switch theme"
            >
              <span class="theme-icon" aria-hidden="true"></span>
            </button>
          </div>
        </header>
        <div class={props.sections.length ? 'frame' : 'frame bare'}>
          {props.sections.length ? (
            <nav class="sidebar" aria-label="Sections">
              <ul>
                {props.sections.map((s) => (
                  <li>
                    <a
                      href={s.href}
                      class={s.id === props.active ? 'active' : undefined}
                      aria-current={s.id === props.active ? 'page' : undefined}
                    >
                      {s.title}
                      {s.upcoming ? <span class="soon">soon</span> : null}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <main id="content">{props.children}</main>
        </div>
        <footer class="footer">vigil {props.version}</footer>
      </body>
    </html>
  )
}
