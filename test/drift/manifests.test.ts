import { afterAll, describe, expect, it, test } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadManifests, ManifestError, parseManifests } from '../../src/drift/index.ts'

function problemsOf(fn: () => unknown): string[] {
  try {
    fn()
  } catch (e) {
    if (e instanceof ManifestError) return e.message.split('\n')
    throw e
  }
  throw new Error('no ManifestError')
}

describe('parseManifests', () => {
  it('parseManifests() keeps the line of each document and skips empty ones', () => {
    const text = [
      '# a comment',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: { name: a }',
      '---',
      '---',
      '# only a comment',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: b',
      '',
    ].join('\n')
    const found = parseManifests(text, 'app.yaml')
    expect(found.map((m) => [m.object.kind, m.source])).toEqual([
      ['ConfigMap', { file: 'app.yaml', line: 3 }],
      ['Deployment', { file: 'app.yaml', line: 10 }],
    ])
  })

  it('parseManifests() returns nothing for an empty file, a comment or an empty List', () => {
    expect(parseManifests('', 'a.yaml')).toEqual([])
    expect(parseManifests('  \n# nothing yet\n---\n', 'a.yaml')).toEqual([])
    expect(parseManifests('apiVersion: v1\nkind: List\nitems: []\n', 'a.yaml')).toEqual([])
  })

  it('parseManifests() expands List kinds, each item with its own line', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - apiVersion: v1',
      '    kind: Service',
      '    metadata: { name: a }',
      '  - apiVersion: v1',
      '    kind: ServiceList',
      '    metadata: { name: b }',
    ].join('\n')
    const found = parseManifests(text, 'list.yaml')
    expect(found.map((m) => [m.object.metadata, m.source.line])).toEqual([
      [{ name: 'a' }, 4],
      [{ name: 'b' }, 7],
    ])
    const typed = parseManifests(
      '{"apiVersion":"v1","kind":"ConfigMapList","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}]}',
      'list.json',
    )
    expect(typed.map((m) => m.object.kind)).toEqual(['ConfigMap'])
  })

  it('parseManifests() reads YAML as Kubernetes does: octal modes, yes as true, dates as text', () => {
    const [m] = parseManifests(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\nx: { mode: 0644, on: yes, day: 2025-01-02, time: 12:30 }\n',
      'a.yaml',
    )
    expect(m!.object.x).toEqual({ mode: 420, true: true, day: '2025-01-02', time: '12:30' })
  })

  test.each([
    [
      'invalid YAML',
      'apiVersion: v1\nkind: [unclosed\n',
      'bad.yaml:3: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'a document without a kind',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ok }\n---\napiVersion: v1\nmetadata: { name: x }\n',
      'bad.yaml:5: object has no kind',
    ],
    [
      'a document without a name',
      '\n\napiVersion: apps/v1\nkind: Deployment\nmetadata: { labels: { a: b } }\n',
      'bad.yaml:3: Deployment object has no metadata.name',
    ],
    ['a scalar document', 'just text\n', 'bad.yaml:1: document is not an object'],
    [
      'a duplicate key',
      'apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata: { name: a }\n',
      'bad.yaml:3: invalid YAML: Map keys must be unique',
    ],
    [
      'a List item without apiVersion',
      'apiVersion: v1\nkind: List\nitems:\n  - kind: Pod\n    metadata: { name: p }\n',
      'bad.yaml:4: Pod object has no apiVersion',
    ],
  ])('parseManifests() names file:line for %s', (_, text, message) => {
    const problems = problemsOf(() => parseManifests(text, 'bad.yaml'))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toStartWith(message)
  })

  it('parseManifests() reports every problem of a file at once', () => {
    const text = 'kind: A\n---\napiVersion: v1\nkind: B\nmetadata: {}\n'
    expect(problemsOf(() => parseManifests(text, 'f.yaml'))).toEqual([
      'f.yaml:1: A object has no apiVersion, metadata.name',
      'f.yaml:3: B object has no metadata.name',
    ])
  })
})

describe('loadManifests', () => {
  const root = mkdtempSync(join(tmpdir(), 'vigil-drift-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\n`

  it('loadManifests() reads *.yaml, *.yml and *.json under directories, recursively, in order', () => {
    mkdirSync(join(root, 'ok/nested/deeper'), { recursive: true })
    mkdirSync(join(root, 'ok/.git'), { recursive: true })
    writeFileSync(join(root, 'ok/b.yaml'), cm('b'))
    writeFileSync(join(root, 'ok/a.yml'), cm('a'))
    writeFileSync(
      join(root, 'ok/nested/c.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c' } }),
    )
    writeFileSync(join(root, 'ok/nested/deeper/d.yaml'), cm('d') + '---\n' + cm('e'))
    writeFileSync(join(root, 'ok/notes.txt'), 'not a manifest')
    writeFileSync(join(root, 'ok/.git/config.yaml'), 'not: [valid')
    const found = loadManifests([join(root, 'ok')])
    expect(found.map((m) => [m.source.file.slice(root.length + 1), m.source.line])).toEqual([
      ['ok/a.yml', 1],
      ['ok/b.yaml', 1],
      ['ok/nested/c.json', 1],
      ['ok/nested/deeper/d.yaml', 1],
      ['ok/nested/deeper/d.yaml', 5],
    ])
  })

  it('loadManifests() reads a single file and reports the problems of every file', () => {
    mkdirSync(join(root, 'bad'))
    writeFileSync(join(root, 'bad/one.yaml'), cm('x') + '---\nkind: Pod\n')
    writeFileSync(join(root, 'bad/two.yaml'), 'a: [b\n')
    expect(loadManifests([join(root, 'ok/a.yml')])).toHaveLength(1)
    const problems = problemsOf(() => loadManifests([join(root, 'bad')]))
    expect(
      problems.map((p) => p.slice(root.length + 1).replace(/: invalid YAML.*/, ': invalid YAML')),
    ).toEqual([
      'bad/one.yaml:5: Pod object has no apiVersion, metadata.name',
      'bad/two.yaml:2: invalid YAML',
    ])
  })
})
