/** The agent's own counters and their Prometheus text form for `--listen`'s /metrics. */

/** AgentStats counts what the agent did since it started. */
export interface AgentStats {
  samplesSent: number
  sendFailures: number
  droppedBatches: number
  rejectedBatches: number
  collectDurationSeconds: number
  collections: number
  lastCollectAt?: number
  lastSentAt?: number
}

/** newStats returns zeroed counters. */
export const newStats = (): AgentStats => ({
  samplesSent: 0,
  sendFailures: 0,
  droppedBatches: 0,
  rejectedBatches: 0,
  collectDurationSeconds: 0,
  collections: 0,
})

/** renderMetrics writes the counters and the buffer's size in the Prometheus text format. */
export function renderMetrics(s: AgentStats, buffer: { batches: number; bytes: number }): string {
  const family = (name: string, type: string, help: string, lines: string[]) =>
    `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${lines.join('\n')}\n`
  return [
    family('vigil_agent_samples_sent_total', 'counter', 'Samples accepted by the server.', [
      `vigil_agent_samples_sent_total ${s.samplesSent}`,
    ]),
    family(
      'vigil_agent_send_failures_total',
      'counter',
      'Send attempts that failed (network, 429, 5xx) and will be retried.',
      [`vigil_agent_send_failures_total ${s.sendFailures}`],
    ),
    family('vigil_agent_buffer_batches', 'gauge', 'Batches waiting to be sent.', [
      `vigil_agent_buffer_batches ${buffer.batches}`,
    ]),
    family('vigil_agent_buffer_bytes', 'gauge', 'Bytes (gzip) of the batches waiting.', [
      `vigil_agent_buffer_bytes ${buffer.bytes}`,
    ]),
    family(
      'vigil_agent_dropped_batches_total',
      'counter',
      'Batches dropped: buffer_full (oldest beyond --buffer-max) or rejected (a 4xx reply).',
      [
        `vigil_agent_dropped_batches_total{reason="buffer_full"} ${s.droppedBatches}`,
        `vigil_agent_dropped_batches_total{reason="rejected"} ${s.rejectedBatches}`,
      ],
    ),
    family('vigil_agent_collect_duration_seconds', 'gauge', 'Duration of the last collection.', [
      `vigil_agent_collect_duration_seconds ${s.collectDurationSeconds}`,
    ]),
  ].join('')
}
