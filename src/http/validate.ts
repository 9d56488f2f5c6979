/** Input validation for routes: JSON bodies and query strings through zod, in our error shape. */
import type { Context } from 'hono'
import type { z } from 'zod'
import { ValidationError } from '../errors.ts'

function fail(where: string, error: z.ZodError): never {
  const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
  const first = issues[0]
  throw new ValidationError(
    first
      ? `${where}: ${first.path ? `${first.path}: ` : ''}${first.message}`
      : `${where} is invalid`,
    { details: { issues } },
  )
}

/** parseJson reads the JSON body and validates it; malformed JSON is a 400, never a 500. */
export async function parseJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    throw new ValidationError('the request body must be JSON (Content-Type: application/json)')
  }
  const result = schema.safeParse(body)
  if (!result.success) fail('body', result.error)
  return result.data
}

/** parseText parses an already read JSON body and validates it. */
export function parseText<T extends z.ZodType>(text: string, schema: T): z.output<T> {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new ValidationError('the request body must be JSON (Content-Type: application/json)')
  }
  const result = schema.safeParse(body)
  if (!result.success) fail('body', result.error)
  return result.data
}

/** parseQuery validates the query string. */
export function parseQuery<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  const result = schema.safeParse(c.req.query())
  if (!result.success) fail('query', result.error)
  return result.data
}
