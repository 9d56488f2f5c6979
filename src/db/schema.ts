/**
 * The drizzle schema: every table vigil keeps in libSQL. Migrations in `migrations/` are generated
 * from this file by `npm run db:generate`. Times are integer milliseconds since the epoch (UTC).
 * One file for every domain's tables on purpose (past the usual length): drizzle-kit reads one
 * schema, and one file shows the whole database.
 */
import {
  blob,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core'

/** meta holds facts about this vigil instance: its id, when its database was created. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/** users are the people who sign in to the dashboard and the API. */
export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role').notNull(),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  passwordChangedAt: integer('password_changed_at').notNull(),
})

/** sessions are dashboard logins; only the SHA-256 of the cookie value is stored. */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    clientAddress: text('client_address'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user').on(t.userId)],
)

/** apiTokens are long-lived bearer tokens (`vgl_…`) with scopes; only their SHA-256 is stored. */
export const apiTokens = sqliteTable('api_tokens', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  tokenHash: text('token_hash').notNull().unique(),
  prefix: text('prefix').notNull(),
  scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at'),
  lastUsedAt: integer('last_used_at'),
  revokedAt: integer('revoked_at'),
})

/**
 * refreshTokens back the API's JWT logins. Each use rotates the token within its family; a
 * reused (already rotated) token revokes the whole family.
 */
export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    familyId: text('family_id').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('refresh_tokens_family').on(t.familyId), index('refresh_tokens_user').on(t.userId)],
)

/** signatureNonces remembers the ids of signed requests seen, to refuse replays. */
export const signatureNonces = sqliteTable('signature_nonces', {
  id: text('id').primaryKey(),
  expiresAt: integer('expires_at').notNull(),
})

/**
 * auditLog is append-only (triggers refuse UPDATE and DELETE) and hash-chained: `hash` is the
 * SHA-256 of `prev_hash` and the canonical record, so any edit breaks the chain.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    seq: integer('seq').primaryKey(),
    ts: integer('ts').notNull(),
    actor: text('actor').notNull(),
    actorType: text('actor_type').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    outcome: text('outcome').notNull(),
    requestId: text('request_id'),
    clientAddress: text('client_address'),
    details: text('details').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_log_ts').on(t.ts),
    index('audit_log_actor').on(t.actor),
    index('audit_log_action').on(t.action),
  ],
)

/**
 * metricSeries is the series index on disk: one row per series, the canonical key (name and
 * sorted labels) unique. The inverted label index is rebuilt in memory from it at start.
 */
export const metricSeries = sqliteTable('metric_series', {
  id: integer('id').primaryKey(),
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
  labels: text('labels').notNull(),
  createdAt: integer('created_at').notNull(),
})

/**
 * metricWal holds each accepted batch (packed series id, time, value triples) until the samples
 * are in chunks; a 2xx on ingest means the batch's row is committed. Replayed into the head at start.
 */
export const metricWal = sqliteTable('metric_wal', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  data: blob('data', { mode: 'buffer' }).notNull(),
  samples: integer('samples').notNull(),
  createdAt: integer('created_at').notNull(),
})

/**
 * metricChunks holds compressed samples: tier 0 raw (Gorilla), tier 1 one-minute and tier 2
 * one-hour rollups (min, max, sum, count, last), each chunk covering [start_ts, end_ts].
 */
export const metricChunks = sqliteTable(
  'metric_chunks',
  {
    seriesId: integer('series_id').notNull(),
    tier: integer('tier').notNull(),
    startTs: integer('start_ts').notNull(),
    endTs: integer('end_ts').notNull(),
    count: integer('count').notNull(),
    data: blob('data', { mode: 'buffer' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.seriesId, t.tier, t.startTs] }),
    index('metric_chunks_tier_end').on(t.tier, t.endTs),
  ],
)

/**
 * logWal holds each accepted batch of log lines (JSON) until the mover has put them in `logs`;
 * a 2xx on ingest means the batch's row is committed. The mover deletes the rows it moved in
 * the same transaction as the insert, so a restart continues with exactly what is left.
 */
export const logWal = sqliteTable('log_wal', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  data: text('data').notNull(),
  records: integer('records').notNull(),
  createdAt: integer('created_at').notNull(),
})

/** logs are stored log lines; `logs_fts` (a custom migration) indexes `message` with FTS5. */
export const logs = sqliteTable(
  'logs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ts: integer('ts').notNull(),
    service: text('service').notNull(),
    level: integer('level').notNull(),
    message: text('message').notNull(),
    labels: text('labels').notNull(),
    truncated: integer('truncated', { mode: 'boolean' }).notNull().default(false),
    size: integer('size').notNull(),
  },
  // Level rides along in the (service, ts) index so a level filter reads no table rows.
  (t) => [
    index('logs_service_ts_level').on(t.service, t.ts, t.id, t.level),
    index('logs_ts').on(t.ts),
  ],
)

/**
 * logServices keeps each service's line count and newest timestamp, so the services list does not
 * count every line; triggers on `logs` (a custom migration) keep it in the same transactions.
 */
export const logServices = sqliteTable('log_services', {
  service: text('service').primaryKey(),
  lines: integer('lines').notNull(),
  lastSeen: integer('last_seen').notNull(),
})

/** eventWal holds each accepted batch of events (JSON) until the mover has put them in `events`. */
export const eventWal = sqliteTable('event_wal', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  data: text('data').notNull(),
  records: integer('records').notNull(),
  createdAt: integer('created_at').notNull(),
})

/** events are discrete happenings: deploys, restarts, config changes, Kubernetes events, drift. */
export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ts: integer('ts').notNull(),
    source: text('source').notNull(),
    kind: text('kind').notNull(),
    severity: text('severity').notNull(),
    subject: text('subject').notNull(),
    message: text('message').notNull(),
    attributes: text('attributes').notNull(),
    truncated: integer('truncated', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('events_ts').on(t.ts, t.id), index('events_source_ts').on(t.source, t.ts)],
)

/**
 * anomalies are the points where a series became anomalous (one per episode), with the score,
 * the severity, the component that fired, the band it expected and a readable explanation.
 */
export const anomalies = sqliteTable(
  'anomalies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ts: integer('ts').notNull(),
    seriesId: integer('series_id').notNull(),
    series: text('series').notNull(),
    labels: text('labels').notNull(),
    score: real('score').notNull(),
    severity: text('severity').notNull(),
    component: text('component').notNull(),
    value: real('value').notNull(),
    expected: real('expected').notNull(),
    low: real('low').notNull(),
    high: real('high').notNull(),
    explanation: text('explanation').notNull(),
    detectedAt: integer('detected_at').notNull(),
  },
  (t) => [index('anomalies_ts').on(t.ts, t.id), index('anomalies_series_ts').on(t.seriesId, t.ts)],
)

/**
 * drift_findings are differences between the desired state and the cluster (`missing`,
 * `mismatch`, `unexpected`) and compliance violations (`violation`), one row per finding key
 * while it lasts: first and last seen, and when it was resolved. A finding that comes back after
 * it was resolved opens a new row.
 */
export const driftFindings = sqliteTable(
  'drift_findings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(),
    category: text('category').notNull(),
    type: text('type').notNull(),
    severity: text('severity').notNull(),
    apiVersion: text('api_version').notNull(),
    kind: text('kind').notNull(),
    namespace: text('namespace'),
    name: text('name').notNull(),
    /** The finding as the API shows it (diffs, owned elsewhere, rule, path, message, source). */
    detail: text('detail').notNull(),
    revision: text('revision'),
    status: text('status').notNull(),
    firstSeen: integer('first_seen').notNull(),
    lastSeen: integer('last_seen').notNull(),
    resolvedAt: integer('resolved_at'),
  },
  (t) => [
    index('drift_findings_status_first').on(t.status, t.firstSeen, t.id),
    index('drift_findings_key').on(t.key, t.status),
  ],
)

/**
 * policies hold the current version of every policy (one row per kind and name), from the API or
 * from a file (`VIGIL_POLICY_PATHS`, read-only); `document` is the envelope as its author wrote it.
 */
export const policies = sqliteTable(
  'policies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    version: integer('version').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    source: text('source').notNull(),
    file: text('file'),
    document: text('document').notNull(),
    createdAt: integer('created_at').notNull(),
    createdBy: text('created_by').notNull(),
    updatedAt: integer('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [uniqueIndex('policies_kind_name').on(t.kind, t.name)],
)

/**
 * policyVersions keep every version of every policy, deleted ones included: the change that made
 * it (created, updated, enabled, disabled, deleted), the document, who and when.
 */
export const policyVersions = sqliteTable(
  'policy_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    version: integer('version').notNull(),
    change: text('change').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    source: text('source').notNull(),
    file: text('file'),
    document: text('document').notNull(),
    changedBy: text('changed_by').notNull(),
    changedByType: text('changed_by_type').notNull(),
    changedAt: integer('changed_at').notNull(),
  },
  (t) => [uniqueIndex('policy_versions_kind_name_version').on(t.kind, t.name, t.version)],
)

/**
 * notifyChannels are the notification channels managed through the API (channels from the
 * notify file live only in memory). `config` is JSON with every secret field sealed (AES-GCM).
 */
export const notifyChannels = sqliteTable('notify_channels', {
  name: text('name').primaryKey(),
  type: text('type').notNull(),
  config: text('config').notNull(),
  rateLimit: integer('rate_limit').notNull().default(0),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/**
 * notifyOutbox holds one row per (event, channel) until it is delivered or fails for good; `key`
 * is the idempotency key. A sender claims due rows by setting `lease_until`; a row whose lease
 * ran out (the sender died) is due again.
 */
export const notifyOutbox = sqliteTable(
  'notify_outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull().unique(),
    incidentId: text('incident_id').notNull(),
    event: text('event').notNull(),
    channel: text('channel').notNull(),
    payload: text('payload').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    leaseUntil: integer('lease_until'),
    lastError: text('last_error'),
    lastStatus: integer('last_status'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [
    index('notify_outbox_due').on(t.status, t.nextAttemptAt),
    index('notify_outbox_incident').on(t.incidentId, t.id),
  ],
)

/** notifyAttempts is the delivery log: one row per attempt, with its outcome and duration. */
export const notifyAttempts = sqliteTable(
  'notify_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    outboxId: integer('outbox_id').notNull(),
    incidentId: text('incident_id').notNull(),
    channel: text('channel').notNull(),
    attempt: integer('attempt').notNull(),
    startedAt: integer('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    outcome: text('outcome').notNull(),
    status: integer('status'),
    error: text('error'),
  },
  (t) => [
    index('notify_attempts_outbox').on(t.outboxId, t.id),
    index('notify_attempts_incident').on(t.incidentId),
  ],
)

/**
 * notifyIncidents remembers open incidents that repeat: the last snapshot, the channels it went
 * to and when the next reminder is due; deleted on acknowledge or resolve.
 */
export const notifyIncidents = sqliteTable(
  'notify_incidents',
  {
    incidentId: text('incident_id').primaryKey(),
    snapshot: text('snapshot').notNull(),
    channels: text('channels').notNull(),
    repeatIntervalMs: integer('repeat_interval_ms').notNull(),
    nextRepeatAt: integer('next_repeat_at').notNull(),
    repeats: integer('repeats').notNull().default(0),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('notify_incidents_due').on(t.nextRepeatAt)],
)

// Incidents: what a firing rule (or a person) opened, its timeline, and the silences that mute
// notifications for matching labels. Ids are integers so pages can use the shared cursor.

/** incidents are open and past incidents, one open per fingerprint at a time. */
export const incidents = sqliteTable(
  'incidents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    fingerprint: text('fingerprint').notNull(),
    rule: text('rule'),
    title: text('title').notNull(),
    severity: text('severity').notNull(),
    status: text('status').notNull(),
    silenceId: integer('silence_id'),
    labels: text('labels').notNull(),
    annotations: text('annotations').notNull(),
    value: real('value'),
    source: text('source').notNull(),
    channels: text('channels').notNull(),
    count: integer('count').notNull().default(1),
    since: integer('since').notNull(),
    firstSeenAt: integer('first_seen_at').notNull(),
    startedAt: integer('started_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    acknowledgedAt: integer('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    resolvedAt: integer('resolved_at'),
    resolvedBy: text('resolved_by'),
    reopenedCount: integer('reopened_count').notNull().default(0),
  },
  (t) => [
    index('incidents_fingerprint').on(t.fingerprint, t.status),
    index('incidents_status').on(t.status, t.id),
  ],
)

/** incidentEvents is the timeline of every incident: each change with who made it. */
export const incidentEvents = sqliteTable(
  'incident_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: integer('incident_id').notNull(),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    details: text('details'),
  },
  (t) => [index('incident_events_incident').on(t.incidentId, t.id)],
)

/** silences mute notifications of incidents whose labels match all their matchers. */
export const silences = sqliteTable(
  'silences',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    matchers: text('matchers').notNull(),
    comment: text('comment').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    startsAt: integer('starts_at').notNull(),
    endsAt: integer('ends_at').notNull(),
    expiredBy: text('expired_by'),
  },
  (t) => [index('silences_ends').on(t.endsAt)],
)

// Remediation: tasks proposed by people, tokens and RemediationPolicies, claimed by a worker with a
// lease (lease_owner, lease_until) so that two workers or two replicas never run the same one.

/** remediationTasks are the remediation tasks, from proposal to their final state. */
export const remediationTasks = sqliteTable(
  'remediation_tasks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    action: text('action').notNull(),
    params: text('params').notNull(),
    targetKind: text('target_kind').notNull(),
    targetNamespace: text('target_namespace'),
    targetName: text('target_name').notNull(),
    priority: integer('priority').notNull(),
    requesterKind: text('requester_kind').notNull(),
    requesterName: text('requester_name').notNull(),
    requesterRole: text('requester_role'),
    reason: text('reason').notNull(),
    incidentId: integer('incident_id'),
    policy: text('policy'),
    step: integer('step'),
    idempotencyKey: text('idempotency_key'),
    state: text('state').notNull(),
    phase: text('phase'),
    severity: text('severity'),
    limits: text('limits'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    notBefore: integer('not_before').notNull(),
    leaseOwner: text('lease_owner'),
    leaseUntil: integer('lease_until'),
    dryRun: text('dry_run'),
    guards: text('guards').notNull().default('[]'),
    result: text('result'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    expiresAt: integer('expires_at'),
    startedAt: integer('started_at'),
    mutatedAt: integer('mutated_at'),
    finishedAt: integer('finished_at'),
    decidedBy: text('decided_by'),
    decisionComment: text('decision_comment'),
  },
  (t) => [
    uniqueIndex('remediation_tasks_idempotency').on(t.idempotencyKey),
    index('remediation_tasks_queue').on(t.state, t.priority, t.id),
    index('remediation_tasks_mutated').on(t.mutatedAt),
    index('remediation_tasks_incident').on(t.incidentId, t.id),
  ],
)

/**
 * leases elects the leader of the singleton loops: one row per lease, taken by a conditional
 * upsert (`holder = me OR expires_at < now`) so that two processes never hold it at once.
 * `holder` is '' once released; times are the database's clock in Unix milliseconds.
 */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  acquiredAt: integer('acquired_at').notNull(),
  renewedAt: integer('renewed_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  transitions: integer('transitions').notNull().default(0),
})
