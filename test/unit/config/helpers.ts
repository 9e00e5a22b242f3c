// Shared helpers for the config tests: fixture paths, a loader shorthand, and amtool (Debian's
// Alertmanager 0.25 build) as an oracle when it is installed.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { it } from 'node:test'

import { ConfigError, loadConfig } from '#src/config/index.js'
import type { LoadedConfig } from '#src/config/index.js'

import { CONFIG_REGISTRY } from '../../support/integrations.js'

/** FIXTURES is test/fixtures/config of the checkout (tests run from dist/). */
export const FIXTURES = ((): string => {
  let dir = import.meta.dirname
  for (;;) {
    const candidate = join(dir, 'test', 'fixtures', 'config')
    if (existsSync(candidate)) {
      return candidate
    }
    const parent = dirname(dir)
    if (parent === dir) {
      throw new Error('test/fixtures/config not found above the test file')
    }
    dir = parent
  }
})()

/** fixture reads a fixture file. */
export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8')
}

/** load loads config text with the current directory as base and the node's integrations. */
export function load(text: string): LoadedConfig {
  return loadConfig(text, { baseDir: '.', registry: CONFIG_REGISTRY })
}

/** loadError loads text that must fail and returns the ConfigError. */
export function loadError(text: string): ConfigError {
  try {
    load(text)
  } catch (err) {
    if (err instanceof ConfigError) {
      return err
    }
    throw err
  }
  throw new Error(`config unexpectedly loaded:\n${text}`)
}

/** R is the smallest receivers block most cases need. */
export const R = 'receivers:\n- name: a\n'

/** AMTOOL is Debian's amtool 0.25 when installed. */
export const AMTOOL = existsSync('/usr/bin/amtool') ? '/usr/bin/amtool' : undefined

/** amtoolCheck runs `amtool check-config` on text and resolves to its exit code and output. */
export function amtoolCheck(text: string): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'alertmesh-config-'))
  const file = join(dir, 'alertmanager.yml')
  writeFileSync(file, text)
  return new Promise((resolve) => {
    execFile(AMTOOL ?? 'amtool', ['check-config', file], (err, stdout, stderr) => {
      resolve({
        code: err === null ? 0 : ((err.code as number | undefined) ?? 1),
        output: `${stdout}${stderr}`,
      })
    })
  })
}

/**
 * One row: config text, Alertmanager's message (checked against Alertmanager 0.25's own
 * config.Load), the field path and the line we report.
 */
export type ErrorRow = readonly [
  text: string,
  amMessage: string,
  path: string | undefined,
  line: number | undefined,
]

/** checkRows declares one test per row: the config must fail with that message, path and line. */
export function checkRows(rows: Readonly<Record<string, ErrorRow>>): void {
  for (const [name, [text, amMessage, path, line]] of Object.entries(rows)) {
    it(`refuses a config with ${name}`, () => {
      const err = loadError(text)
      assert.equal(err.amMessage, amMessage)
      assert.equal(err.path, path)
      assert.equal(err.line, line)
    })
  }
}
