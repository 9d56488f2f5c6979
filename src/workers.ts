/**
 * Where the Worker entrypoints are. This module sits in src/ on purpose: in the compiled binary
 * `import.meta.url` is the bundle's (at the root of the entrypoints, src/), in dev this file's, so
 * a path relative to src/ is right in both. Each worker is an entrypoint of scripts/build.ts.
 */

/** writeWorkerUrl locates the write worker (src/db/write-worker.ts). */
export const writeWorkerUrl = new URL('./db/write-worker.ts', import.meta.url)
