/**
 * Outbound HTTP for the HTTP channels: one POST with a timeout, its outcome classified the same
 * way for every receiver: 2xx delivered; 408, 429 and 5xx, timeouts and network errors retried
 * (429 and 503 with their Retry-After); any other status failed for good with the response.
 */
import { parseRetryAfter } from './retry.ts'
import type { SendResult } from './types.ts'

/** HttpRequest is what an HTTP channel renders: a POST of a body to a URL with headers. */
export interface HttpRequest {
  url: string
  headers: Record<string, string>
  body: string
}

/** maxErrorBody is how much of a refusing response is kept in the delivery log. */
const maxErrorBody = 512

/** postRequest sends a rendered request and classifies the response. */
export async function postRequest(
  req: HttpRequest,
  timeoutMs: number,
  now: () => number,
  signal?: AbortSignal,
): Promise<SendResult> {
  const timeout = AbortSignal.timeout(timeoutMs)
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
  let res: Response
  try {
    res = await fetch(req.url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      redirect: 'manual',
      signal: combined,
    })
  } catch (err) {
    const timedOut = timeout.aborted
    return {
      ok: false,
      retry: true,
      error: timedOut
        ? `timed out after ${timeoutMs} ms`
        : `request failed: ${(err as Error).message}`,
    }
  }
  let text = ''
  try {
    text = (await res.text()).slice(0, maxErrorBody)
  } catch {
    // The status is what matters; a body cut short by the receiver is not an error of ours.
  }
  if (res.status >= 200 && res.status < 300)
    return { ok: true, status: res.status, detail: text || undefined }
  const retry = res.status === 408 || res.status === 429 || res.status >= 500
  return {
    ok: false,
    retry,
    status: res.status,
    error: `HTTP ${res.status}${text ? `: ${text}` : ''}`,
    retryAfterMs: retry ? parseRetryAfter(res.headers.get('retry-after'), now()) : undefined,
  }
}
