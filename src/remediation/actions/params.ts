/** The zod pieces of action parameters: Kubernetes names as the API server validates them. */
import { z } from 'zod'

const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

/** dnsLabel is an RFC 1123 label (namespaces): lower case letters, digits and `-`, at most 63. */
export const dnsLabel = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(63, { error: 'must be at most 63 characters (an RFC 1123 label)' })
  .regex(label, {
    error:
      'must be an RFC 1123 label: lower case letters, digits and -, starting and ending with a letter or digit',
  })

/** dnsSubdomain is an RFC 1123 subdomain (most object names): labels joined by `.`, at most 253. */
export const dnsSubdomain = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(253, { error: 'must be at most 253 characters (an RFC 1123 subdomain)' })
  .regex(subdomain, {
    error:
      'must be an RFC 1123 subdomain: lower case letters, digits, - and ., each part starting and ending with a letter or digit',
  })

/** namespace is the namespace of an object (an RFC 1123 label). */
export const namespace = dnsLabel

/** kindName is a Kubernetes kind: `Deployment`, `PodDisruptionBudget`. */
export const kindName = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Z][A-Za-z0-9]{0,62}$/, { error: 'must be a kind such as Deployment (CamelCase)' })

/** apiVersion is `v1` or `<group>/<version>`. */
export const apiVersion = z
  .string({ error: 'must be a string' })
  .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+((alpha|beta)[0-9]+)?$/, {
    error: 'must be an API version such as v1 or apps/v1',
  })
