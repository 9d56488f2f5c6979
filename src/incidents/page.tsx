/** placeholder */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
export const incidentPageRoutes = new Hono<AppEnv>()
