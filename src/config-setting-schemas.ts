/**
 * The zod schema of every setting, by key: config.ts validates each value with it. Kept apart
 * from the settings table (config-settings.ts) so that reading the table (flags, --help, the
 * agent's settings) does not load zod.
 */
import { z } from 'zod'
import {
  count,
  dbUrl,
  duration,
  flag,
  host,
  paths,
  port,
  secretKey,
  selectors,
  size,
} from './config-schemas.ts'

import type { SettingKey } from './config-settings.ts'

/** settingSchemas validates each setting's value. */
export const settingSchemas = {
  port: port,
  listen: host,
  dataDir: z.string().trim().min(1, { error: 'must not be empty' }),
  dbUrl: dbUrl.optional(),
  dbAuthToken: z.string().min(1, { error: 'must not be empty' }).optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error'], {
    error: 'must be one of debug, info, warn, error',
  }),
  logFile: z.string().trim().min(1, { error: 'must not be empty' }).optional(),
  bodyLimit: size(1024, 1024 * 1024 * 1024),
  shutdownTimeout: duration(0, 300_000),
  adminPassword: z
    .string()
    .min(12, { error: 'must be at least 12 characters' })
    .max(128, { error: 'must be at most 128 characters' })
    .optional(),
  metricsToken: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  trustProxy: flag,
  metricsRetention: duration(3_600_000, 3650 * 86_400_000),
  metricsRetention1m: duration(3_600_000, 3650 * 86_400_000),
  metricsRetention1h: duration(3_600_000, 3650 * 86_400_000),
  metricsMaxSize: size(0, 2 ** 50),
  metricsFlushInterval: duration(1000, 6 * 3_600_000),
  metricsMaxHeadSamples: count(1000, 1e9),
  metricsCacheSize: size(0, 2 ** 40),
  ingestMaxLabels: count(1, 1000),
  ingestMaxNameBytes: count(8, 4096),
  ingestMaxValueBytes: count(8, 65536),
  ingestMaxFuture: duration(0, 86_400_000),
  ingestMaxBody: size(1024, 1024 ** 3),
  ingestMaxSeriesPerToken: count(1, 1e8),
  ingestMaxQueued: count(1000, 1e9),
  ingestMaxRecords: count(1, 1e6),
  logsRetention: duration(3_600_000, 3650 * 86_400_000),
  logsMaxSize: size(0, 2 ** 50),
  logsMaxMessage: size(256, 16 * 1024 * 1024),
  logsMaxBacklog: count(1000, 1e9),
  eventsRetention: duration(3_600_000, 3650 * 86_400_000),
  anomalyEnabled: flag,
  anomalyInclude: selectors.optional(),
  anomalyExclude: selectors,
  anomalyMaxSeries: count(0, 1e8),
  anomalyRetention: duration(3_600_000, 3650 * 86_400_000),
  kubeconfig: z.string().trim().min(1, { error: 'must not be empty' }).optional(),
  kubeContext: z.string().trim().min(1, { error: 'must not be empty' }).optional(),
  leaderElection: z.enum(['auto', 'database', 'kubernetes', 'off'], {
    error: 'must be auto, database, kubernetes or off',
  }),
  leaderLease: duration(1_000, 600_000),
  leaderNamespace: z.string().trim().min(1, { error: 'must not be empty' }).max(63).optional(),
  leaderLeaseName: z
    .string()
    .trim()
    .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, {
      error: 'must be a lowercase DNS name (a-z, 0-9, - and .)',
    }),
  driftPaths: paths.optional(),
  driftGitUrl: z.string().trim().min(1).optional(),
  driftGitBranch: z.string().trim().min(1).max(255),
  driftGitPath: z
    .string()
    .trim()
    .min(1)
    .refine((p) => !p.split('/').includes('..'), { error: 'must stay inside the repository' }),
  driftGitInterval: duration(5_000, 86_400_000),
  driftInterval: duration(1_000, 3_600_000),
  driftSettings: z.string().trim().min(1).optional(),
  policyPaths: paths.optional(),
  policyReloadInterval: duration(0, 86_400_000),
  alertInterval: duration(1_000, 86_400_000),
  publicUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2000, { error: 'must be at most 2000 characters' })
    .optional(),
  secretKey: secretKey.optional(),
  notifyFile: z.string().trim().min(1, { error: 'must not be empty' }).optional(),
  notifyTimeout: duration(100, 120_000),
  notifyMaxAttempts: count(1, 1000),
  notifyBackoff: duration(10, 600_000),
  notifyBackoffMax: duration(10, 86_400_000),
  notifyBreakerThreshold: count(1, 1000),
  notifyBreakerCooldown: duration(100, 3_600_000),
  notifyRepeatInterval: duration(0, 30 * 86_400_000),
  notifyRetention: duration(3_600_000, 3650 * 86_400_000),
  incidentAutoResolve: flag,
  incidentReopenWindow: duration(0, 30 * 86_400_000),
  silenceMaxDuration: duration(60_000, 365 * 86_400_000),
  remediationMode: z.enum(['off', 'dry_run', 'enforce'], {
    error: 'must be one of off, dry_run, enforce',
  }),
  remediationWorkers: count(0, 64),
  remediationNamespaces: paths.optional(),
  remediationDenyNamespaces: paths,
  remediationMaxPerHour: count(0, 100_000),
  remediationMaxPerAction: count(0, 100_000),
  remediationMaxPerNamespace: count(0, 100_000),
  remediationMaxPerTarget: count(0, 10_000),
  remediationMaxBlastRadius: count(1, 100),
  remediationMinSchedulableNodes: count(0, 10_000),
  remediationEvidenceMaxAge: duration(1_000, 7 * 86_400_000),
  remediationApprovalTtl: duration(60_000, 30 * 86_400_000),
  remediationMaxAttempts: count(1, 20),
  remediationLease: duration(1_000, 3_600_000),
  remediationCommands: z.string().trim().min(1, { error: 'must not be empty' }).optional(),
  remediatorSecret: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
} satisfies Record<SettingKey, z.ZodType>
