/**
 * Lets the client library's typed APIs (`CoreV1Api`, `CoordinationV1Api`, ...) send through our
 * Transport, so they honour the cluster CA and client certificates under Bun too. Use them where
 * a typed call reads better than the generic REST in `rest.ts` (leases, `vigil k8s check`).
 */
import {
  createConfiguration,
  ResponseContext,
  ServerConfiguration,
  wrapHttpLibrary,
  type Configuration,
  type RequestContext,
} from '@kubernetes/client-node'
import type { Transport } from './transport.ts'

/** clientConfiguration is a client Configuration whose every request goes through `transport`. */
export function clientConfiguration(transport: Transport): Configuration {
  const httpApi = wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      const body = request.getBody()
      const res = await transport.sendUrl(request.getUrl(), {
        method: request.getHttpMethod().toString(),
        headers: request.getHeaders(),
        body: body === undefined || body === null ? undefined : body,
        contentType: request.getHeaders()['Content-Type'],
        signal: request.getSignal(),
      })
      const headers: Record<string, string> = {}
      res.headers.forEach((value, name) => {
        headers[name] = value
      })
      const bytes = res.arrayBuffer().then((b) => Buffer.from(b))
      return new ResponseContext(res.status, headers, {
        text: async () => (await bytes).toString('utf8'),
        binary: () => bytes,
        stream: () => null,
      })
    },
  })
  return createConfiguration({
    baseServer: new ServerConfiguration(transport.credentials.server, {}),
    authMethods: {},
    httpApi,
  })
}

/** typedApi builds one of the client's API classes over `transport`. */
export function typedApi<T>(transport: Transport, Api: new (configuration: Configuration) => T): T {
  return new Api(clientConfiguration(transport))
}
