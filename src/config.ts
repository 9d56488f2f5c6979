/**
 * The one configuration of vigil: a table of settings, each readable from a flag, a `VIGIL_*`
 * environment variable or a key of the YAML file given by `--config`, validated by zod and parsed
 * once. Precedence: flag, then environment, then file, then default. This is the only file that
 * reads `process.env`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { z } from 'zod'
import type { EngineOptions } from './metrics/engine.ts'
import type { Matcher } from './metrics/types.ts'
import type { LeaderElection } from './leader/index.ts'
import { driftSettingsSchema, type DriftSettings } from './drift/settings.ts'
import { settings, type Setting, type SettingKey } from './config-settings.ts'
import { settingSchemas } from './config-setting-schemas.ts'
import { ConfigError, pick, str } from './config-source.ts'

export { ConfigError } from './config-source.ts'
import {
  commandsSchema,
  type RemediationMode,
  type RemediationSettings,
} from './remediation/settings.ts'
import type { CommandSpec } from './remediation/types.ts'

export { settings, type Setting, type SettingKey } from './config-settings.ts'

/** Config is the parsed, validated configuration every command receives. */
export interface Config {
  port: number
  listen: string
  dataDir: string
  dbUrl: string
  dbAuthToken: string | undefined
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  logFile: string | undefined
  bodyLimit: number
  shutdownTimeoutMs: number
  adminPassword: string | undefined
  metricsToken: string | undefined
  trustProxy: boolean
  metrics: EngineOptions
  ingest: {
    maxLabels: number
    maxNameBytes: number
    maxValueBytes: number
    maxFutureMs: number
    maxBodyBytes: number
    maxRecords: number
  }
  logs: {
    retentionMs: number
    maxBytes: number
    maxMessageBytes: number
    maxBacklog: number
  }
  events: { retentionMs: number }
  anomaly: {
    enabled: boolean
    include: Matcher[][]
    exclude: Matcher[][]
    maxSeries: number
    retentionMs: number
  }
  kube: KubeSettings
  leader: {
    election: LeaderElection
    leaseMs: number
    namespace: string | undefined
    leaseName: string
  }
  drift: {
    paths: string[]
    git: { url: string; branch: string; path: string; intervalMs: number } | undefined
    intervalMs: number
    settings: DriftSettings
  }
  policy: { paths: string[]; reloadIntervalMs: number }
  alerting: { intervalMs: number }
  publicUrl: string | undefined
  secretKey: string | undefined
  notify: {
    file: string | undefined
    timeoutMs: number
    maxAttempts: number
    backoffMs: number
    backoffMaxMs: number
    breakerThreshold: number
    breakerCooldownMs: number
    repeatIntervalMs: number
    retentionMs: number
  }
  incidents: { autoResolve: boolean; reopenWindowMs: number; silenceMaxMs: number }
  remediation: RemediationSettings
  configFile: string | undefined
}

/**
 * KubeSettings says where the Kubernetes credentials come from: the explicit settings and the
 * standard variables a kubeconfig or in-cluster client reads (taken here so that src/k8s never
 * reads the environment).
 */
export interface KubeSettings {
  kubeconfig: string | undefined
  context: string | undefined
  env: {
    KUBECONFIG: string | undefined
    HOME: string | undefined
    KUBERNETES_SERVICE_HOST: string | undefined
    KUBERNETES_SERVICE_PORT: string | undefined
  }
}

/** loadConfig parses flags, the environment and the optional YAML file into a Config. */
export function loadConfig(
  flags: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined> = process.env,
): Config {
  const configFile = str(flags.config) ?? env.VIGIL_CONFIG
  const file = configFile ? readConfigFile(configFile) : {}
  const problems: string[] = []
  const known = new Set(Object.values(settings).map((s) => s.file))
  for (const key of Object.keys(file)) {
    if (!known.has(key)) problems.push(`${configFile}: unknown key "${key}"`)
  }

  const parsed: Record<string, unknown> = {}
  for (const [key, setting] of Object.entries(settings) as [SettingKey, Setting][]) {
    const source = pick(setting, flags, env, file, configFile)
    const result = settingSchemas[key].safeParse(source.value)
    if (result.success) {
      parsed[key] = result.data
      continue
    }
    const message = result.error.issues.map((i) => i.message).join('; ')
    const shown = setting.secret ? '' : ` (got ${JSON.stringify(source.value)})`
    problems.push(`${setting.env} (${source.from}): ${message}${shown}`)
  }
  const driftFile = parsed.driftSettings as string | undefined
  const drift: DriftSettings = driftFile
    ? readYamlSettings('VIGIL_DRIFT_SETTINGS', driftFile, driftSettingsSchema, {}, problems)
    : {}
  const commandsFile = parsed.remediationCommands as string | undefined
  const commands: Record<string, CommandSpec> = commandsFile
    ? readYamlSettings('VIGIL_REMEDIATION_COMMANDS', commandsFile, commandsSchema, {}, problems)
    : {}
  if (problems.length > 0) throw new ConfigError(problems)

  const dataDir = parsed.dataDir as string
  const gitUrl = parsed.driftGitUrl as string | undefined
  return {
    port: parsed.port as number,
    listen: parsed.listen as string,
    dataDir,
    dbUrl: (parsed.dbUrl as string | undefined) ?? `file:${join(dataDir, 'vigil.db')}`,
    dbAuthToken: parsed.dbAuthToken as string | undefined,
    logLevel: parsed.logLevel as Config['logLevel'],
    logFile: parsed.logFile as string | undefined,
    bodyLimit: parsed.bodyLimit as number,
    shutdownTimeoutMs: parsed.shutdownTimeout as number,
    adminPassword: parsed.adminPassword as string | undefined,
    metricsToken: parsed.metricsToken as string | undefined,
    trustProxy: parsed.trustProxy as boolean,
    metrics: {
      retentionRawMs: parsed.metricsRetention as number,
      retention1mMs: parsed.metricsRetention1m as number,
      retention1hMs: parsed.metricsRetention1h as number,
      maxBytes: parsed.metricsMaxSize as number,
      flushIntervalMs: parsed.metricsFlushInterval as number,
      maxHeadSamples: parsed.metricsMaxHeadSamples as number,
      maxSeriesPerToken: parsed.ingestMaxSeriesPerToken as number,
      maxQueuedSamples: parsed.ingestMaxQueued as number,
      cacheBytes: parsed.metricsCacheSize as number,
    },
    ingest: {
      maxLabels: parsed.ingestMaxLabels as number,
      maxNameBytes: parsed.ingestMaxNameBytes as number,
      maxValueBytes: parsed.ingestMaxValueBytes as number,
      maxFutureMs: parsed.ingestMaxFuture as number,
      maxBodyBytes: parsed.ingestMaxBody as number,
      maxRecords: parsed.ingestMaxRecords as number,
    },
    logs: {
      retentionMs: parsed.logsRetention as number,
      maxBytes: parsed.logsMaxSize as number,
      maxMessageBytes: parsed.logsMaxMessage as number,
      maxBacklog: parsed.logsMaxBacklog as number,
    },
    events: { retentionMs: parsed.eventsRetention as number },
    anomaly: {
      enabled: parsed.anomalyEnabled as boolean,
      include: (parsed.anomalyInclude as Matcher[][] | undefined) ?? [],
      exclude: parsed.anomalyExclude as Matcher[][],
      maxSeries: parsed.anomalyMaxSeries as number,
      retentionMs: parsed.anomalyRetention as number,
    },
    kube: {
      kubeconfig: parsed.kubeconfig as string | undefined,
      context: parsed.kubeContext as string | undefined,
      env: {
        KUBECONFIG: env.KUBECONFIG,
        HOME: env.HOME,
        KUBERNETES_SERVICE_HOST: env.KUBERNETES_SERVICE_HOST,
        KUBERNETES_SERVICE_PORT: env.KUBERNETES_SERVICE_PORT,
      },
    },
    leader: {
      election: parsed.leaderElection as LeaderElection,
      leaseMs: parsed.leaderLease as number,
      namespace: parsed.leaderNamespace as string | undefined,
      leaseName: parsed.leaderLeaseName as string,
    },
    drift: {
      paths: (parsed.driftPaths as string[] | undefined) ?? [],
      git: gitUrl
        ? {
            url: gitUrl,
            branch: parsed.driftGitBranch as string,
            path: parsed.driftGitPath as string,
            intervalMs: parsed.driftGitInterval as number,
          }
        : undefined,
      intervalMs: parsed.driftInterval as number,
      settings: drift,
    },
    policy: {
      paths: (parsed.policyPaths as string[] | undefined) ?? [],
      reloadIntervalMs: parsed.policyReloadInterval as number,
    },
    alerting: {
      intervalMs: parsed.alertInterval as number,
    },
    publicUrl: parsed.publicUrl as string | undefined,
    secretKey: parsed.secretKey as string | undefined,
    notify: {
      file: parsed.notifyFile as string | undefined,
      timeoutMs: parsed.notifyTimeout as number,
      maxAttempts: parsed.notifyMaxAttempts as number,
      backoffMs: parsed.notifyBackoff as number,
      backoffMaxMs: parsed.notifyBackoffMax as number,
      breakerThreshold: parsed.notifyBreakerThreshold as number,
      breakerCooldownMs: parsed.notifyBreakerCooldown as number,
      repeatIntervalMs: parsed.notifyRepeatInterval as number,
      retentionMs: parsed.notifyRetention as number,
    },
    incidents: {
      autoResolve: parsed.incidentAutoResolve as boolean,
      reopenWindowMs: parsed.incidentReopenWindow as number,
      silenceMaxMs: parsed.silenceMaxDuration as number,
    },
    remediation: {
      mode: parsed.remediationMode as RemediationMode,
      workers: parsed.remediationWorkers as number,
      namespaces: {
        allow: parsed.remediationNamespaces as string[] | undefined,
        deny: parsed.remediationDenyNamespaces as string[],
      },
      maxPerHour: parsed.remediationMaxPerHour as number,
      maxPerAction: parsed.remediationMaxPerAction as number,
      maxPerNamespace: parsed.remediationMaxPerNamespace as number,
      maxPerTarget: parsed.remediationMaxPerTarget as number,
      maxBlastRadiusPercent: parsed.remediationMaxBlastRadius as number,
      minSchedulableNodes: parsed.remediationMinSchedulableNodes as number,
      evidenceMaxAgeMs: parsed.remediationEvidenceMaxAge as number,
      approvalTtlMs: parsed.remediationApprovalTtl as number,
      maxAttempts: parsed.remediationMaxAttempts as number,
      leaseMs: parsed.remediationLease as number,
      commands,
      secrets: ((parsed.remediatorSecret as string | undefined) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    },
    configFile,
  }
}

/**
 * readYamlSettings reads and checks a YAML settings file named by the setting `env` (the drift
 * settings, the run_command commands), adding what is wrong to `problems`; `empty` then.
 */
function readYamlSettings<T extends z.ZodType>(
  env: string,
  path: string,
  schema: T,
  empty: z.output<T>,
  problems: string[],
): z.output<T> {
  let doc: unknown
  try {
    doc = parseYaml(readFileSync(path, 'utf8')) ?? {}
  } catch (err) {
    problems.push(`${env}: cannot read ${path}: ${(err as Error).message}`)
    return empty
  }
  const result = schema.safeParse(doc)
  if (result.success) return result.data
  for (const issue of result.error.issues)
    problems.push(`${env} (${path}): ${issue.path.join('.') || '(top)'}: ${issue.message}`)
  return empty
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError([
      `VIGIL_CONFIG (--config): cannot read ${path}: ${(err as Error).message}`,
    ])
  }
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err) {
    throw new ConfigError([`${path}: not valid YAML: ${(err as Error).message}`])
  }
  if (doc === null || doc === undefined) return {}
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError([`${path}: must be a mapping of setting names to values`])
  }
  return doc as Record<string, unknown>
}

/** redactedConfig returns the config with secrets masked, fit for a log line. */
export function redactedConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    dbUrl: config.dbUrl.replace(/\/\/[^@/]*@/, '//***@'),
    dbAuthToken: config.dbAuthToken ? '***' : undefined,
    adminPassword: config.adminPassword ? '***' : undefined,
    metricsToken: config.metricsToken ? '***' : undefined,
    drift: {
      ...config.drift,
      git: config.drift.git && {
        ...config.drift.git,
        url: config.drift.git.url.replace(/\/\/[^@/]*@/, '//***@'),
      },
    },
    secretKey: config.secretKey ? '***' : undefined,
    remediation: {
      ...config.remediation,
      secrets: config.remediation.secrets.map(() => '***'),
    },
  }
}
