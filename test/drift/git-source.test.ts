import { afterAll, describe, expect, it } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { redactGitUrl, syncRepo } from '../../src/drift/git-source.ts'
import { loadConfig } from '../../src/config.ts'

const root = mkdtempSync(join(tmpdir(), 'vigil-git-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function git(cwd: string, ...args: string[]): string {
  const out = Bun.spawnSync(['git', ...args], {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@x',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@x',
    },
  })
  if (out.exitCode !== 0) throw new Error(out.stderr.toString())
  return out.stdout.toString().trim()
}

describe('the git source of the desired state', () => {
  it('clones a branch, then follows new commits, reporting the revision', async () => {
    const upstream = join(root, 'upstream')
    mkdirSync(join(upstream, 'k8s'), { recursive: true })
    git(upstream, 'init', '-q', '-b', 'main')
    writeFileSync(
      join(upstream, 'k8s', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
    )
    git(upstream, 'add', '.')
    git(upstream, 'commit', '-q', '-m', 'first')
    const first = git(upstream, 'rev-parse', 'HEAD')
    const source = { url: upstream, branch: 'main', path: 'k8s', dir: join(root, 'checkout') }
    expect(await syncRepo(source)).toEqual({ revision: first, dir: join(root, 'checkout', 'k8s') })
    writeFileSync(
      join(upstream, 'k8s', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n',
    )
    git(upstream, 'commit', '-q', '-am', 'second')
    const second = git(upstream, 'rev-parse', 'HEAD')
    expect(second).not.toBe(first)
    expect((await syncRepo(source)).revision).toBe(second)
    expect(await Bun.file(join(root, 'checkout', 'k8s', 'cm.yaml')).text()).toContain('name: b')
  })

  it('fails with git’s reason and never shows the credentials of the URL', async () => {
    const url = `https://user:s3cret@127.0.0.1:1/nope.git`
    const source = { url, branch: 'main', path: '.', dir: join(root, 'never') }
    const err = (await syncRepo(source).catch((e: Error) => e)) as Error
    expect(err).toBeInstanceOf(Error)
    expect(err.message).toStartWith('git clone failed: ')
    expect(err.message).not.toContain('s3cret')
    expect(redactGitUrl(url)).toBe('https://***@127.0.0.1:1/nope.git')
  })
})

describe('drift settings', () => {
  it('reads VIGIL_DRIFT_SETTINGS and names the file and field of a mistake', () => {
    const good = join(root, 'drift.yaml')
    writeFileSync(
      good,
      'severities: {unexpected: medium}\nignoreDifferences:\n  - {kind: Deployment, jsonPointers: [/spec/replicas]}\n',
    )
    const config = loadConfig(
      {},
      { VIGIL_DATA_DIR: root, VIGIL_DRIFT_SETTINGS: good, VIGIL_DRIFT_PATHS: 'a, b' },
    )
    expect(config.drift.settings.severities).toEqual({ unexpected: 'medium' })
    expect(config.drift.paths).toEqual(['a', 'b'])
    const bad = join(root, 'bad.yaml')
    writeFileSync(bad, 'severities: {unexpected: huge}\n')
    expect(() => loadConfig({}, { VIGIL_DATA_DIR: root, VIGIL_DRIFT_SETTINGS: bad })).toThrow(
      `VIGIL_DRIFT_SETTINGS (${bad}): severities.unexpected:`,
    )
    expect(() =>
      loadConfig({}, { VIGIL_DATA_DIR: root, VIGIL_DRIFT_SETTINGS: join(root, 'none.yaml') }),
    ).toThrow('VIGIL_DRIFT_SETTINGS: cannot read')
  })

  it('keeps the git credentials out of the logged config', async () => {
    const { redactedConfig } = await import('../../src/config.ts')
    const config = loadConfig(
      {},
      { VIGIL_DATA_DIR: root, VIGIL_DRIFT_GIT_URL: 'https://bot:tok3n@git.example/r.git' },
    )
    expect(JSON.stringify(redactedConfig(config))).not.toContain('tok3n')
  })
})
