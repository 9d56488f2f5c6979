/**
 * The desired state from a git repository: a shallow clone of one branch into the data directory,
 * refreshed with a shallow fetch and a hard reset, using the system `git` (no shell; credentials
 * in the URL are never logged). The revision of the checkout goes onto every finding.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** GitSource names a branch of a repository and the directory of manifests in it. */
export interface GitSource {
  url: string
  branch: string
  /** The directory of manifests inside the repository ('.' for all of it). */
  path: string
  /** Where the checkout lives. */
  dir: string
}

/** redactUrl hides the credentials of a URL (`https://user:token@host/...`) for messages. */
export function redactGitUrl(url: string): string {
  return url.replace(/\/\/[^@/]+@/, '//***@')
}

function git(args: string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd,
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout.trim())
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
        const detail = missing
          ? 'git is not installed (it is needed for VIGIL_DRIFT_GIT_URL)'
          : String(stderr || err.message).trim()
        // Messages from git can echo the URL: never with its credentials.
        reject(new Error(`git ${args[0]} failed: ${redactAll(detail)}`))
      },
    )
  })
}

function redactAll(text: string): string {
  return text.replace(/\/\/[^@/\s]+@/g, '//***@')
}

/** syncRepo clones the branch if there is no checkout yet, else fetches and resets to it; returns the revision and the manifests' directory. */
export async function syncRepo(source: GitSource): Promise<{ revision: string; dir: string }> {
  if (!existsSync(join(source.dir, '.git'))) {
    mkdirSync(dirname(source.dir), { recursive: true })
    await git([
      'clone',
      '--quiet',
      '--depth',
      '1',
      '--branch',
      source.branch,
      '--single-branch',
      source.url,
      source.dir,
    ])
  } else {
    await git(['fetch', '--quiet', '--depth', '1', 'origin', source.branch], source.dir)
    await git(['reset', '--quiet', '--hard', 'FETCH_HEAD'], source.dir)
  }
  const revision = await git(['rev-parse', 'HEAD'], source.dir)
  return { revision, dir: join(source.dir, source.path) }
}
