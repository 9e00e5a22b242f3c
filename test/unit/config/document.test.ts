import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'

import {
  ConfigError,
  loadConfigDocument,
  readDocumentCache,
  writeDocumentCache,
  writeTemplates,
} from '#src/config/index.js'

import { CONFIG_REGISTRY } from '../../support/integrations.js'

const OPTIONS = {
  name: 'consul key am/config',
  templatePrefix: 'am/templates/',
  templatesDir: '/t',
  registry: CONFIG_REGISTRY,
}
const BASE = `route:
  receiver: a
receivers:
- name: a
`

describe('loadConfigDocument', () => {
  it('gives equal keys to texts that differ only in comments and layout', () => {
    const a = loadConfigDocument({ text: BASE, templates: new Map() }, OPTIONS)
    const b = loadConfigDocument(
      {
        text: `# a comment\nroute: {receiver: "a"}\nreceivers:\n  - name: a\n`,
        templates: new Map(),
      },
      OPTIONS
    )
    assert.equal(a.effectiveKey, b.effectiveKey)
    // The Alertmanager hash is of the bytes, so it differs.
    assert.notEqual(a.loaded.hash, b.loaded.hash)
  })

  it('changes the key when routing, a secret or a template changes', () => {
    const keys = new Set(
      [
        { text: BASE, templates: new Map<string, string>() },
        {
          text: BASE.replace('receiver: a', 'receiver: a\n  group_wait: 1s'),
          templates: new Map(),
        },
        { text: BASE, templates: new Map([['x.tmpl', '{{ define "x" }}1{{ end }}']]) },
        { text: BASE, templates: new Map([['x.tmpl', '{{ define "x" }}2{{ end }}']]) },
        {
          text: `${BASE}  webhook_configs:\n  - url: http://h/\n    http_config: {basic_auth: {username: u, password: p1}}\n`,
          templates: new Map(),
        },
        {
          text: `${BASE}  webhook_configs:\n  - url: http://h/\n    http_config: {basic_auth: {username: u, password: p2}}\n`,
          templates: new Map(),
        },
      ].map((doc) => loadConfigDocument(doc, OPTIONS).effectiveKey)
    )
    assert.equal(keys.size, 6)
  })

  it('resolves relative template globs against the templates directory', () => {
    const { loaded } = loadConfigDocument(
      { text: `${BASE}templates: ['*.tmpl']\n`, templates: new Map() },
      OPTIONS
    )
    assert.deepEqual(loaded.config.templates, ['/t/*.tmpl'])
  })

  it('names the source and the field of an invalid config', () => {
    assert.throws(
      () => loadConfigDocument({ text: `${BASE}  foo: 1\n`, templates: new Map() }, OPTIONS),
      (err: unknown) =>
        err instanceof ConfigError && err.message.startsWith('consul key am/config: line 5')
    )
  })

  it('refuses template names that could escape the templates directory', () => {
    for (const name of ['../x', 'a//b', '/abs', '.', 'a/../../b']) {
      assert.throws(
        () => loadConfigDocument({ text: BASE, templates: new Map([[name, '']]) }, OPTIONS),
        (err: unknown) =>
          err instanceof ConfigError && err.message.includes(`am/templates/${name}`),
        name
      )
    }
  })
})

describe('writeTemplates', () => {
  it('leaves exactly the given templates, nested ones included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'templates-'))
    await mkdir(join(dir, 'old'), { recursive: true })
    await writeFile(join(dir, 'old', 'stale.tmpl'), 'x')
    await writeTemplates(
      dir,
      new Map([
        ['a.tmpl', 'A'],
        ['team/b.tmpl', 'B'],
      ])
    )
    const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort()
    assert.deepEqual(files, ['a.tmpl', 'team/b.tmpl'])
    assert.equal(await readFile(join(dir, 'team', 'b.tmpl'), 'utf8'), 'B')
  })
})

describe('document cache', () => {
  it('round-trips a document', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'cache-')), 'sub', 'consul-config.json')
    assert.equal(await readDocumentCache(path), undefined)
    const doc = {
      text: BASE,
      templates: new Map([['a.tmpl', 'A']]),
      origin: 'consul key am/config',
      version: '18446744073709551615',
      appliedAt: '2026-11-24T00:00:00.000Z',
    }
    await writeDocumentCache(path, doc)
    assert.deepEqual(await readDocumentCache(path), doc)
  })

  it('refuses a file that is not a cache, saying what to do', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'cache-')), 'c.json')
    await writeFile(path, '{"text": 1}')
    await assert.rejects(readDocumentCache(path), /not an alertmesh config cache; delete it/)
    await writeFile(path, 'garbage')
    await assert.rejects(readDocumentCache(path), /not valid JSON; delete it/)
  })
})
