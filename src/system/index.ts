/**
 * The system domain: vigil's own health, readiness and overview figures, and the probe routes.
 */
export { systemRoutes } from './routes.ts'
export {
  checkReadiness,
  overview,
  type Lifecycle,
  type Overview,
  type Readiness,
} from './status.ts'
