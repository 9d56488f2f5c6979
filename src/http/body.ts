/**
 * Reading request bodies that may be gzip-compressed, with a bound on the decompressed size
 * (a small gzip body can inflate a thousandfold) and strict UTF-8.
 */
import type { Context } from 'hono'
import { AppError, PayloadTooLargeError, ValidationError } from '../errors.ts'

/** UnsupportedMediaError says the body's encoding or type is not one we read (415). */
export class UnsupportedMediaError extends AppError {
  static override defaultCode = 'unsupported_media_type'
  override readonly status = 415
}

/** readBodyBytes reads the body, inflating gzip, refusing more than `limit` bytes after inflation. */
export async function readBodyBytes(
  c: Context,
  limit: number,
  setting: string,
): Promise<Uint8Array> {
  const encoding = (c.req.header('content-encoding') ?? 'identity').toLowerCase()
  let stream = c.req.raw.body
  if (!stream) return new Uint8Array()
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    stream = stream.pipeThrough(new DecompressionStream('gzip'))
  } else if (encoding !== 'identity') {
    throw new UnsupportedMediaError(
      `Content-Encoding ${encoding} is not supported; send gzip or nothing`,
    )
  }
  const parts: Uint8Array[] = []
  let size = 0
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > limit) {
        await reader.cancel().catch(() => undefined)
        throw new PayloadTooLargeError(
          `the body is larger than ${limit} bytes after decompression (${setting})`,
          {
            code: 'body_too_large',
          },
        )
      }
      parts.push(value)
    }
  } catch (err) {
    if (err instanceof AppError) throw err
    throw new ValidationError(
      `cannot read the body: ${(err as Error).message} (is it really gzip?)`,
      {
        code: 'malformed_body',
      },
    )
  }
  const out = new Uint8Array(size)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.byteLength
  }
  return out
}

/** readJsonBody reads a (possibly gzip) JSON body within the limit; malformed JSON is a 400. */
export async function readJsonBody(c: Context, limit: number, setting: string): Promise<unknown> {
  const bytes = await readBodyBytes(c, limit, setting)
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new ValidationError('the body is not valid UTF-8', { code: 'malformed_body' })
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ValidationError(`the body is not valid JSON: ${(err as Error).message}`, {
      code: 'malformed_body',
    })
  }
}
