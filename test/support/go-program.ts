/**
 * Builds and runs the Go programs the differential tests compare with (the text/template,
 * html/template and Alertmanager template oracles). Each is built in GOPATH mode with no
 * network, so that only Debian's Go and Go packages are needed, and cached in the temp dir
 * under a hash of its sources, so that a test run builds it at most once however many test
 * files ask for it.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** GO_BINARY is where Debian's golang-go puts `go`. */
export const GO_BINARY = '/usr/bin/go'

/** GoProgram describes one oracle program. */
export interface GoProgram {
  /** name names the cache directory and the program in error messages. */
  readonly name: string
  /** source is the program's directory relative to the repository root (e.g. test/support/x). */
  readonly source: string
  /** importPath is where the sources go under GOPATH's src, and what `go build` builds. */
  readonly importPath: string
  /** gopath lists further GOPATH entries, e.g. Debian's /usr/share/gocode for its packages. */
  readonly gopath?: readonly string[]
}

/**
 * repoPath locates a repository path from this module, which runs both from the sources and
 * compiled under dist/, where the Go sources are not copied.
 *
 * @param relative - the path relative to the repository root.
 * @returns the absolute path.
 * @throws Error when no ancestor directory holds it.
 */
export function repoPath(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, relative)
    if (existsSync(candidate)) {
      return candidate
    }
    const parent = dirname(dir)
    if (parent === dir) {
      throw new Error(`${relative} not found above ${fileURLToPath(import.meta.url)}`)
    }
    dir = parent
  }
}

/**
 * buildGoProgram builds a program once per hash of its sources and returns the binary's path.
 * The build happens in a directory of its own per process and the binary is renamed into
 * place, so that concurrent test processes never see a half-written binary.
 *
 * @param p - the program.
 * @returns the binary's path.
 * @throws Error with Go's output when the build fails.
 */
export function buildGoProgram(p: GoProgram): string {
  const dir = repoPath(p.source)
  const hash = createHash('sha256').update(p.importPath)
  for (const f of readdirSync(dir).sort()) {
    hash.update(f).update(readFileSync(join(dir, f)))
  }
  const root = join(tmpdir(), `alertmesh-${p.name}`)
  const bin = join(root, `${p.name}-${hash.digest('hex').slice(0, 16)}`)
  if (existsSync(bin)) {
    return bin
  }
  const work = join(root, `build-${process.pid}`)
  const pkg = join(work, 'src', p.importPath)
  mkdirSync(pkg, { recursive: true })
  cpSync(dir, pkg, { recursive: true })
  const tmpBin = `${bin}.${process.pid}`
  const r = spawnSync(GO_BINARY, ['build', '-o', tmpBin, p.importPath], {
    cwd: work,
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH: [work, ...(p.gopath ?? [])].join(':'),
      GOCACHE: join(root, 'cache'),
      GOFLAGS: '',
      GOPROXY: 'off',
    },
    encoding: 'utf8',
  })
  rmSync(work, { recursive: true, force: true })
  if (r.status !== 0) {
    throw new Error(`building the Go program ${p.name} failed: ${r.stderr}`)
  }
  renameSync(tmpBin, bin)
  return bin
}

/**
 * runGoProgram runs a program (built if need be) with arguments and stdin and parses the JSON
 * it prints.
 *
 * @param p - the program.
 * @param args - command-line arguments.
 * @param input - what to write on stdin.
 * @param env - variables to set on top of this process's environment.
 * @returns the decoded JSON.
 * @throws Error with the program's stderr when it exits non-zero.
 */
export function runGoProgram(
  p: GoProgram,
  args: readonly string[],
  input: string,
  env: Readonly<Record<string, string>> = {}
): unknown {
  return runGoBinary(buildGoProgram(p), p.name, args, input, env)
}

/**
 * runGoBinary runs an already built program, for callers that build once and hand the path
 * around (the Alertmanager template oracle's API).
 *
 * @param bin - the binary from {@link buildGoProgram}.
 * @param name - the program's name, for the error message.
 * @param args - command-line arguments.
 * @param input - what to write on stdin.
 * @param env - variables to set on top of this process's environment.
 * @returns the decoded JSON.
 * @throws Error with the program's stderr when it exits non-zero.
 */
export function runGoBinary(
  bin: string,
  name: string,
  args: readonly string[],
  input: string,
  env: Readonly<Record<string, string>> = {}
): unknown {
  const r = spawnSync(bin, args, {
    input,
    encoding: 'utf8',
    // The oracles answer a whole test file's cases in one JSON document.
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...env },
  })
  if (r.status !== 0) {
    throw new Error(`the Go program ${name} failed (${String(r.status)}): ${r.stderr}`)
  }
  return JSON.parse(r.stdout) as unknown
}
