// A shared differential suite for config files checked against a Go oracle (the web config and
// the cluster TLS config): hono's common.case pattern, each test file passes its cases, its
// loader and its oracle.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'

/** FileCase is a file's text and the error the Go code gives it ('' when it accepts it). */
export interface FileCase {
  readonly name: string
  readonly text: string
  readonly want: string
  /** alertmesh is alertmesh's answer where it knowingly differs from `want`. */
  readonly alertmesh?: string
}

/** FileCaseSuite is what {@link describeFileCases} runs. */
export interface FileCaseSuite {
  /** dir is where the files are written, `case-<i>.yml`. */
  readonly dir: string
  readonly cases: readonly FileCase[]
  /** load loads a file as alertmesh does, throwing its error. */
  readonly load: (path: string) => unknown
  readonly oracle: {
    readonly title: string
    /** missing says why the oracle cannot run here (the test is skipped), or false. */
    readonly missing: string | false
    /** answers gives the Go code's error for each file. */
    readonly answers: (paths: readonly string[]) => string[]
  }
}

/**
 * describeFileCases writes every case and checks alertmesh's answer for each, then the
 * oracle's for all of them at once (one Go run).
 *
 * @param title - the suite's name.
 * @param suite - the cases, the loader and the oracle.
 */
export function describeFileCases(title: string, suite: FileCaseSuite): void {
  const files = suite.cases.map((c, i) => {
    const path = join(suite.dir, `case-${i}.yml`)
    writeFileSync(path, c.text)
    return path
  })
  const alertmeshError = (path: string): string => {
    try {
      suite.load(path)
      return ''
    } catch (err: unknown) {
      return err instanceof Error ? err.message : String(err)
    }
  }
  describe(title, () => {
    suite.cases.forEach((c, i) => {
      it(`alertmesh: ${c.name}`, () => {
        assert.equal(alertmeshError(files[i] ?? ''), c.alertmesh ?? c.want)
      })
    })
    it(suite.oracle.title, { skip: suite.oracle.missing }, () => {
      const got = suite.oracle.answers(files)
      suite.cases.forEach((c, i) => {
        assert.equal(got[i], c.want, c.name)
      })
    })
  })
}
