/**
 * The static assets served under `/static/`, imported as text so the bundler embeds them in the
 * compiled binary and Deno reads them the same way. Each carries a content hash for its ETag and
 * for the `?v=` that makes long cache lifetimes safe across upgrades.
 */
import { createHash } from 'node:crypto'
import htmx from 'htmx.org/dist/htmx.min.js' with { type: 'text' }
import htmxSse from 'htmx.org/dist/ext/hx-sse.min.js' with { type: 'text' }
import uplotJs from 'uplot/dist/uPlot.iife.min.js' with { type: 'text' }
import uplotCss from 'uplot/dist/uPlot.min.css' with { type: 'text' }
import appCss from '../../static/app.css' with { type: 'text' }
import appJs from '../../static/app.js' with { type: 'text' }
import metricsJs from '../../static/metrics.js' with { type: 'text' }
import overlayJs from '../../static/overlay.js' with { type: 'text' }
import logsJs from '../../static/logs.js' with { type: 'text' }
import incidentsJs from '../../static/incidents.js' with { type: 'text' }
import favicon from '../../static/favicon.svg' with { type: 'text' }

/** Asset is one embedded file with what the HTTP layer needs to serve it. */
export interface Asset {
  body: string
  contentType: string
  hash: string
}

const js = 'text/javascript; charset=utf-8'
const css = 'text/css; charset=utf-8'

function asset(body: string, contentType: string): Asset {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16)
  return { body, contentType, hash }
}

/** assets maps a file name under `/static/` to its embedded content. */
export const assets: Record<string, Asset> = {
  'htmx.min.js': asset(htmx, js),
  'hx-sse.min.js': asset(htmxSse, js),
  'uPlot.iife.min.js': asset(uplotJs, js),
  'uPlot.min.css': asset(uplotCss, css),
  'app.css': asset(appCss, css),
  'app.js': asset(appJs, js),
  'metrics.js': asset(metricsJs, js),
  'overlay.js': asset(overlayJs, js),
  'logs.js': asset(logsJs, js),
  'incidents.js': asset(incidentsJs, js),
  'favicon.svg': asset(favicon, 'image/svg+xml'),
}

/** assetUrl returns the versioned URL of an asset, e.g. `/static/app.css?v=3f2a…`. */
export function assetUrl(name: keyof typeof assets): string {
  const found = assets[name]
  if (!found) throw new Error(`no embedded asset ${name}`)
  return `/static/${name}?v=${found.hash}`
}
