/**
 * The events domain: discrete happenings (deploys, restarts, config changes, Kubernetes events,
 * drift reports from gitopsd) pushed as JSON, durable in the WAL before the 2xx, published on the
 * bus, moved into the `events` table in the background and queried newest first with a snapshot
 * cursor. Counts become the series `vigil_events_total{source,kind,severity}`.
 */
export { EventsService, type EventsOptions } from './service.ts'
export { registerEventsMetrics, type EventsMetrics } from './metrics.ts'
export { eventsRoutes, presentEvent } from './routes.ts'
export { eventsTask } from './runner.ts'
export { normalizeSeverity, validateEvent, eventLimits } from './normalize.ts'
export * from './types.ts'
