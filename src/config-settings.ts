/**
 * The table of settings: every configuration value with its flag, `VIGIL_*` variable, file key,
 * default, documentation and zod schema. config.ts reads and validates them; the README's
 * configuration table is checked against this one.
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
  selectors,
  size,
} from './config-schemas.ts'

/** Setting describes one configuration value and where it can come from. */
export interface Setting {
  env: string
  flag: string
  file: string
  default: string | undefined
  doc: string
  secret?: boolean
  schema: z.ZodType
}

/** settings is the table of every configuration value; the README's table is checked against it. */
export const settings = {
  port: {
    env: 'VIGIL_PORT',
    flag: 'port',
    file: 'port',
    default: '8080',
    doc: 'TCP port of the HTTP server (API, /metrics, dashboard); 0 picks a free one.',
    schema: port,
  },
  listen: {
    env: 'VIGIL_LISTEN',
    flag: 'listen',
    file: 'listen',
    default: '0.0.0.0',
    doc: 'Address the HTTP server binds to (127.0.0.1 to stay local, :: for IPv6).',
    schema: host,
  },
  dataDir: {
    env: 'VIGIL_DATA_DIR',
    flag: 'data-dir',
    file: 'data_dir',
    default: './data',
    doc: 'Directory for the embedded database (`<data dir>/vigil.db`); created if missing.',
    schema: z.string().trim().min(1, { error: 'must not be empty' }),
  },
  dbUrl: {
    env: 'VIGIL_DB_URL',
    flag: 'db-url',
    file: 'db_url',
    default: undefined,
    doc: 'Database URL; overrides the data dir. `file:/path/vigil.db`, or `libsql://host` for a sqld/Turso server.',
    schema: dbUrl.optional(),
  },
  dbAuthToken: {
    env: 'VIGIL_DB_AUTH_TOKEN',
    flag: 'db-auth-token',
    file: 'db_auth_token',
    default: undefined,
    doc: 'Auth token for a remote `libsql://` database (never logged).',
    secret: true,
    schema: z.string().min(1, { error: 'must not be empty' }).optional(),
  },
  logLevel: {
    env: 'VIGIL_LOG_LEVEL',
    flag: 'log-level',
    file: 'log_level',
    default: 'info',
    doc: 'Lowest level written: debug, info, warn or error.',
    schema: z.enum(['debug', 'info', 'warn', 'error'], {
      error: 'must be one of debug, info, warn, error',
    }),
  },
  logFile: {
    env: 'VIGIL_LOG_FILE',
    flag: 'log-file',
    file: 'log_file',
    default: undefined,
    doc: 'Also append the JSON log lines to this file (stdout always gets them).',
    schema: z.string().trim().min(1, { error: 'must not be empty' }).optional(),
  },
  bodyLimit: {
    env: 'VIGIL_BODY_LIMIT',
    flag: 'body-limit',
    file: 'body_limit',
    default: '10MiB',
    doc: 'Largest request body accepted; bigger ones get 413.',
    schema: size(1024, 1024 * 1024 * 1024),
  },
  shutdownTimeout: {
    env: 'VIGIL_SHUTDOWN_TIMEOUT',
    flag: 'shutdown-timeout',
    file: 'shutdown_timeout',
    default: '30s',
    doc: 'On SIGTERM/SIGINT, how long in-flight work may take before vigil exits anyway.',
    schema: duration(0, 300_000),
  },
  adminPassword: {
    env: 'VIGIL_ADMIN_PASSWORD',
    flag: 'admin-password',
    file: 'admin_password',
    default: undefined,
    doc: 'Password of the `admin` user created on first start (else a random one is printed once); 12+ characters.',
    secret: true,
    schema: z
      .string()
      .min(12, { error: 'must be at least 12 characters' })
      .max(128, { error: 'must be at most 128 characters' })
      .optional(),
  },
  metricsToken: {
    env: 'VIGIL_METRICS_TOKEN',
    flag: 'metrics-token',
    file: 'metrics_token',
    default: undefined,
    doc: 'When set, `/metrics` requires `Authorization: Bearer <this token>`; otherwise it is open.',
    secret: true,
    schema: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  },
  trustProxy: {
    env: 'VIGIL_TRUST_PROXY',
    flag: 'trust-proxy',
    file: 'trust_proxy',
    default: 'false',
    doc: 'Take the client address and scheme from X-Forwarded-For / X-Forwarded-Proto (only behind a proxy you run).',
    schema: flag,
  },
  metricsRetention: {
    env: 'VIGIL_METRICS_RETENTION',
    flag: 'metrics-retention',
    file: 'metrics_retention',
    default: '15d',
    doc: 'How long raw samples are kept; ingest refuses samples older than this.',
    schema: duration(3_600_000, 3650 * 86_400_000),
  },
  metricsRetention1m: {
    env: 'VIGIL_METRICS_RETENTION_1M',
    flag: 'metrics-retention-1m',
    file: 'metrics_retention_1m',
    default: '90d',
    doc: 'How long one-minute rollups are kept.',
    schema: duration(3_600_000, 3650 * 86_400_000),
  },
  metricsRetention1h: {
    env: 'VIGIL_METRICS_RETENTION_1H',
    flag: 'metrics-retention-1h',
    file: 'metrics_retention_1h',
    default: '730d',
    doc: 'How long one-hour rollups are kept.',
    schema: duration(3_600_000, 3650 * 86_400_000),
  },
  metricsMaxSize: {
    env: 'VIGIL_METRICS_MAX_SIZE',
    flag: 'metrics-max-size',
    file: 'metrics_max_size',
    default: '0',
    doc: 'Cap on stored chunk bytes; over it the oldest raw chunks go first. 0: no cap.',
    schema: size(0, 2 ** 50),
  },
  metricsFlushInterval: {
    env: 'VIGIL_METRICS_FLUSH_INTERVAL',
    flag: 'metrics-flush-interval',
    file: 'metrics_flush_interval',
    default: '30m',
    doc: 'How often the in-memory head is compressed into chunks (longer: smaller disk, bigger WAL).',
    schema: duration(1000, 6 * 3_600_000),
  },
  metricsMaxHeadSamples: {
    env: 'VIGIL_METRICS_MAX_HEAD_SAMPLES',
    flag: 'metrics-max-head-samples',
    file: 'metrics_max_head_samples',
    default: '5000000',
    doc: 'Flush early once the head holds this many samples.',
    schema: count(1000, 1e9),
  },
  metricsCacheSize: {
    env: 'VIGIL_METRICS_CACHE_SIZE',
    flag: 'metrics-cache-size',
    file: 'metrics_cache_size',
    default: '64MiB',
    doc: 'Memory for decoded chunks of recently queried series, so repeated dashboard queries skip the database. 0: off.',
    schema: size(0, 2 ** 40),
  },
  ingestMaxLabels: {
    env: 'VIGIL_INGEST_MAX_LABELS',
    flag: 'ingest-max-labels',
    file: 'ingest_max_labels',
    default: '30',
    doc: 'Most labels a series may have (besides its name).',
    schema: count(1, 1000),
  },
  ingestMaxNameBytes: {
    env: 'VIGIL_INGEST_MAX_NAME_BYTES',
    flag: 'ingest-max-name-bytes',
    file: 'ingest_max_name_bytes',
    default: '128',
    doc: 'Longest metric name, log service name, event source or kind, in bytes.',
    schema: count(8, 4096),
  },
  ingestMaxValueBytes: {
    env: 'VIGIL_INGEST_MAX_VALUE_BYTES',
    flag: 'ingest-max-value-bytes',
    file: 'ingest_max_value_bytes',
    default: '1024',
    doc: 'Longest label value, in UTF-8 bytes.',
    schema: count(8, 65536),
  },
  ingestMaxFuture: {
    env: 'VIGIL_INGEST_MAX_FUTURE',
    flag: 'ingest-max-future',
    file: 'ingest_max_future',
    default: '10m',
    doc: 'How far ahead of the server clock a sample may be.',
    schema: duration(0, 86_400_000),
  },
  ingestMaxBody: {
    env: 'VIGIL_INGEST_MAX_BODY',
    flag: 'ingest-max-body',
    file: 'ingest_max_body',
    default: '64MiB',
    doc: 'Largest ingest body after gzip decompression (the wire size is bounded by VIGIL_BODY_LIMIT).',
    schema: size(1024, 1024 ** 3),
  },
  ingestMaxSeriesPerToken: {
    env: 'VIGIL_INGEST_MAX_SERIES_PER_TOKEN',
    flag: 'ingest-max-series-per-token',
    file: 'ingest_max_series_per_token',
    default: '100000',
    doc: 'Active series (written in the last hour) one token or user may have; beyond: 429.',
    schema: count(1, 1e8),
  },
  ingestMaxQueued: {
    env: 'VIGIL_INGEST_MAX_QUEUED',
    flag: 'ingest-max-queued',
    file: 'ingest_max_queued',
    default: '2000000',
    doc: 'Samples waiting for a WAL commit before ingest answers 503 with Retry-After.',
    schema: count(1000, 1e9),
  },
  ingestMaxRecords: {
    env: 'VIGIL_INGEST_MAX_RECORDS',
    flag: 'ingest-max-records',
    file: 'ingest_max_records',
    default: '10000',
    doc: 'Most log lines or events one ingest request may carry.',
    schema: count(1, 1e6),
  },
  logsRetention: {
    env: 'VIGIL_LOGS_RETENTION',
    flag: 'logs-retention',
    file: 'logs_retention',
    default: '7d',
    doc: 'How long log lines are kept; ingest refuses lines older than this.',
    schema: duration(3_600_000, 3650 * 86_400_000),
  },
  logsMaxSize: {
    env: 'VIGIL_LOGS_MAX_SIZE',
    flag: 'logs-max-size',
    file: 'logs_max_size',
    default: '0',
    doc: 'Cap on stored log bytes (messages and labels); over it the oldest lines go first. 0: no cap.',
    schema: size(0, 2 ** 50),
  },
  logsMaxMessage: {
    env: 'VIGIL_LOGS_MAX_MESSAGE',
    flag: 'logs-max-message',
    file: 'logs_max_message',
    default: '64KiB',
    doc: 'Longest log message or event message kept; longer ones are truncated and flagged.',
    schema: size(256, 16 * 1024 * 1024),
  },
  logsMaxBacklog: {
    env: 'VIGIL_LOGS_MAX_BACKLOG',
    flag: 'logs-max-backlog',
    file: 'logs_max_backlog',
    default: '1000000',
    doc: 'Log lines or events accepted but not yet indexed before ingest answers 503 with Retry-After.',
    schema: count(1000, 1e9),
  },
  eventsRetention: {
    env: 'VIGIL_EVENTS_RETENTION',
    flag: 'events-retention',
    file: 'events_retention',
    default: '30d',
    doc: 'How long events are kept; ingest refuses events older than this.',
    schema: duration(3_600_000, 3650 * 86_400_000),
  },
  anomalyEnabled: {
    env: 'VIGIL_ANOMALY_ENABLED',
    flag: 'anomaly-enabled',
    file: 'anomaly_enabled',
    default: 'true',
    doc: 'Score every ingested series with the anomaly detector as samples arrive.',
    schema: flag,
  },
  anomalyInclude: {
    env: 'VIGIL_ANOMALY_INCLUDE',
    flag: 'anomaly-include',
    file: 'anomaly_include',
    default: undefined,
    doc: 'Series the detector scores: `;`-separated series selectors (`node_cpu_usage_percent; {job="api"}`). None: all.',
    schema: selectors.optional(),
  },
  anomalyExclude: {
    env: 'VIGIL_ANOMALY_EXCLUDE',
    flag: 'anomaly-exclude',
    file: 'anomaly_exclude',
    default: '{__name__=~".+_bucket"}; {__name__=~".+_created"}',
    doc: 'Series the detector skips even when included: `;`-separated series selectors.',
    schema: selectors,
  },
  anomalyMaxSeries: {
    env: 'VIGIL_ANOMALY_MAX_SERIES',
    flag: 'anomaly-max-series',
    file: 'anomaly_max_series',
    default: '100000',
    doc: 'Most series the detector keeps state for (about 1 KiB each); later ones are not scored.',
    schema: count(0, 1e8),
  },
  anomalyRetention: {
    env: 'VIGIL_ANOMALY_RETENTION',
    flag: 'anomaly-retention',
    file: 'anomaly_retention',
    default: '30d',
    doc: 'How long detected anomalies are kept.',
    schema: duration(3_600_000, 3650 * 86_400_000),
  },
  kubeconfig: {
    env: 'VIGIL_KUBECONFIG',
    flag: 'kubeconfig',
    file: 'kubeconfig',
    default: undefined,
    doc: 'Kubeconfig file for the cluster; else `KUBECONFIG`, `~/.kube/config`, then the in-cluster service account.',
    schema: z.string().trim().min(1, { error: 'must not be empty' }).optional(),
  },
  kubeContext: {
    env: 'VIGIL_KUBE_CONTEXT',
    flag: 'kube-context',
    file: 'kube_context',
    default: undefined,
    doc: "Context of the kubeconfig to use; else the kubeconfig's current-context.",
    schema: z.string().trim().min(1, { error: 'must not be empty' }).optional(),
  },
  driftPaths: {
    env: 'VIGIL_DRIFT_PATHS',
    flag: 'drift-paths',
    file: 'drift_paths',
    default: undefined,
    doc: 'Comma-separated files or directories of Kubernetes manifests: the desired state drift is checked against.',
    schema: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      )
      .optional(),
  },
  driftGitUrl: {
    env: 'VIGIL_DRIFT_GIT_URL',
    flag: 'drift-git-url',
    file: 'drift_git_url',
    default: undefined,
    doc: 'A git repository holding the manifests (cloned with the system `git` into the data dir; credentials in the URL are never logged).',
    secret: true,
    schema: z.string().trim().min(1).optional(),
  },
  driftGitBranch: {
    env: 'VIGIL_DRIFT_GIT_BRANCH',
    flag: 'drift-git-branch',
    file: 'drift_git_branch',
    default: 'main',
    doc: 'Branch of VIGIL_DRIFT_GIT_URL to compare with.',
    schema: z.string().trim().min(1).max(255),
  },
  driftGitPath: {
    env: 'VIGIL_DRIFT_GIT_PATH',
    flag: 'drift-git-path',
    file: 'drift_git_path',
    default: '.',
    doc: 'Directory of manifests inside the repository.',
    schema: z
      .string()
      .trim()
      .min(1)
      .refine((p) => !p.split('/').includes('..'), { error: 'must stay inside the repository' }),
  },
  driftGitInterval: {
    env: 'VIGIL_DRIFT_GIT_INTERVAL',
    flag: 'drift-git-interval',
    file: 'drift_git_interval',
    default: '1m',
    doc: 'How often the repository is fetched.',
    schema: duration(5_000, 86_400_000),
  },
  driftInterval: {
    env: 'VIGIL_DRIFT_INTERVAL',
    flag: 'drift-interval',
    file: 'drift_interval',
    default: '10s',
    doc: 'Longest time between drift scans; a change seen by a watch is scanned at once.',
    schema: duration(1_000, 3_600_000),
  },
  driftSettings: {
    env: 'VIGIL_DRIFT_SETTINGS',
    flag: 'drift-settings',
    file: 'drift_settings',
    default: undefined,
    doc: 'YAML file of drift settings: severities, ignoreDifferences, appliers, scope, defaultNamespace (see Drift).',
    schema: z.string().trim().min(1).optional(),
  },
  policyPaths: {
    env: 'VIGIL_POLICY_PATHS',
    flag: 'policy-paths',
    file: 'policy_paths',
    default: undefined,
    doc: 'Policy files or directories of YAML (`,`-separated), loaded at start; such policies are read-only in the API and UI.',
    schema: paths.optional(),
  },
  policyReloadInterval: {
    env: 'VIGIL_POLICY_RELOAD_INTERVAL',
    flag: 'policy-reload-interval',
    file: 'policy_reload_interval',
    default: '10s',
    doc: 'How often the policy files are checked for changes (size and mtime); 0: only at start.',
    schema: duration(0, 86_400_000),
  },
} satisfies Record<string, Setting>

/** SettingKey names one setting. */
export type SettingKey = keyof typeof settings
