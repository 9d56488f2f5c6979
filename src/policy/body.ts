/**
 * Reading one policy from a request body: JSON, or YAML when the Content-Type says so
 * (`application/yaml`, `text/yaml`, `application/x-yaml`). Problems are a 400 whose details list
 * each issue with its path and message, and for YAML its line and column.
 */
import type { Context } from 'hono'
import { ValidationError } from '../errors.ts'
import { readBodyBytes, UnsupportedMediaError } from '../http/body.ts'
import { pathText, validatePolicy, type PolicyDocument } from './envelope.ts'
import { readPolicies, type Problem } from './read.ts'

/** maxPolicyBytes bounds one policy body. */
export const maxPolicyBytes = 1024 * 1024

const yamlTypes = /^(application|text)\/(x-)?yaml\b/i

/** BodyIssue is one problem of a body; line and column only for YAML. */
export type BodyIssue = Omit<Problem, 'line' | 'column'> & { line?: number; column?: number }

/** readPolicyBody reads and validates the one policy of a request body. */
export async function readPolicyBody(c: Context): Promise<PolicyDocument> {
  const type = c.req.header('content-type') ?? 'application/json'
  const isYaml = yamlTypes.test(type)
  if (!isYaml && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new UnsupportedMediaError(
      `send the policy as application/json or application/yaml, not ${type.split(';')[0]}`,
    )
  }
  const bytes = await readBodyBytes(c, maxPolicyBytes, 'a policy is at most 1 MiB')
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new ValidationError('the body is not valid UTF-8')
  }
  return isYaml ? fromYaml(text) : fromJson(text)
}

/** fromYaml reads exactly one policy from YAML text. */
export function fromYaml(text: string): PolicyDocument {
  const read = readPolicies(text)
  if (read.problems.length > 0) invalid(read.problems)
  if (read.policies.length !== 1) {
    throw new ValidationError(
      read.policies.length === 0
        ? 'the body holds no policy'
        : `the body holds ${read.policies.length} policies; send one per request`,
    )
  }
  return read.policies[0]!.document
}

function fromJson(text: string): PolicyDocument {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new ValidationError(
      `the body is not valid JSON (${(err as Error).message}); send YAML with Content-Type: application/yaml`,
    )
  }
  const checked = validatePolicy(value)
  if (!checked.ok) {
    invalid(checked.issues.map((i) => ({ path: pathText(i.path), message: i.message })))
  }
  return checked.document
}

function invalid(issues: BodyIssue[]): never {
  const first = issues[0]!
  const where = [first.path, first.line !== undefined ? `(line ${first.line})` : '']
    .filter(Boolean)
    .join(' ')
  const more =
    issues.length > 1
      ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})`
      : ''
  throw new ValidationError(`invalid policy: ${where ? `${where}: ` : ''}${first.message}${more}`, {
    code: 'invalid_policy',
    details: { issues },
  })
}
