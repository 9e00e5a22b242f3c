/**
 * Builds and runs test/support/template-oracle/main.go, a program that renders templates with
 * Alertmanager 0.25's own template package from Debian's Go sources (GOPATH mode, offline).
 * The binary is cached under the OS temp dir by the hash of its source.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const GOCODE = '/usr/share/gocode'
const AM_TEMPLATE = `${GOCODE}/src/github.com/prometheus/alertmanager/template/template.go`

/** OracleAlert is an alert as the oracle takes it (times in RFC 3339). */
export interface OracleAlert {
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt: string
  generatorURL: string
}

/** OracleCase is one rendering: globs, text and either built data or raw template.Data JSON. */
export interface OracleCase {
  globs: string[]
  text: string
  receiver?: string
  groupLabels?: Record<string, string>
  alerts?: OracleAlert[]
  externalURL?: string
  rawData?: unknown
  /** html renders with ExecuteHTMLString (html/template) rather than ExecuteTextString. */
  html?: boolean
}

/** OracleResult is the rendered text or Go's error message. */
export interface OracleResult {
  out?: string
  err?: string
}

/** findSource locates main.go from the source tree or the compiled test tree. */
function findSource(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = join(dir, 'test', 'support', 'template-oracle', 'main.go')
    if (existsSync(candidate)) {
      return candidate
    }
    const parent = dirname(dir)
    if (parent === dir) {
      throw new Error('test/support/template-oracle/main.go not found')
    }
    dir = parent
  }
}

/**
 * oracleUnavailable says why the oracle cannot run here, or undefined when it can.
 *
 * @returns the reason, for a test skip message.
 */
export function oracleUnavailable(): string | undefined {
  if (!existsSync('/usr/bin/go')) {
    return 'Go is not installed (Debian golang-go)'
  }
  if (!existsSync(AM_TEMPLATE)) {
    return "Alertmanager's Go sources are not installed (golang-github-prometheus-alertmanager-dev)"
  }
  if (!existsSync('/usr/share/prometheus/alertmanager/default.tmpl')) {
    return "Debian's prometheus-alertmanager default templates are not installed"
  }
  return undefined
}

/**
 * buildOracle compiles the oracle once per source version (about 20 s the first time).
 *
 * @returns the binary's path.
 */
export function buildOracle(): string {
  const src = findSource()
  const hash = createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 16)
  const root = join(tmpdir(), 'alertmesh-template-oracle')
  const bin = join(root, `oracle-${hash}`)
  if (existsSync(bin)) {
    return bin
  }
  const work = join(root, `build-${hash}-${process.pid}`)
  const pkg = join(work, 'src', 'amtemplateoracle')
  mkdirSync(pkg, { recursive: true })
  copyFileSync(src, join(pkg, 'main.go'))
  execFileSync('go', ['build', '-o', `${bin}.${process.pid}`, 'amtemplateoracle'], {
    cwd: work,
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH: `${work}:${GOCODE}`,
      GOCACHE: join(root, 'cache'),
      GOFLAGS: '',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  renameSync(`${bin}.${process.pid}`, bin)
  return bin
}

/**
 * askOracle renders cases with Alertmanager 0.25's Go code.
 *
 * @param bin - the oracle binary from buildOracle.
 * @param cases - the cases.
 * @returns one result per case.
 */
export function askOracle(bin: string, cases: readonly OracleCase[]): OracleResult[] {
  const r = spawnSync(bin, [], {
    input: JSON.stringify(cases),
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TZ: 'UTC' },
  })
  if (r.status !== 0) {
    throw new Error(`template oracle failed: ${r.stderr.toString()}`)
  }
  return JSON.parse(r.stdout.toString()) as OracleResult[]
}

/** OracleBenchRender is one timed render: ExecuteHTMLString when html, else ExecuteTextString. */
export interface OracleBenchRender {
  name: string
  html: boolean
  text: string
}

/** OracleBench is the oracle's `bench` mode input: one group and the renders to time on it. */
export interface OracleBench {
  globs: string[]
  receiver: string
  groupLabels: Record<string, string>
  alerts: OracleAlert[]
  externalURL: string
  /** iterations is the number of timed runs of each render. */
  iterations: number
  /** parseIterations is the number of timed FromGlobs calls. */
  parseIterations: number
  renders: OracleBenchRender[]
}

/** OracleBenchResult is what Go measured; each render's output is there to compare with ours. */
export interface OracleBenchResult {
  /** parseColdNs is the first FromGlobs in the oracle process. */
  parseColdNs: number
  parseNsPerOp: number
  renders: { name: string; nsPerOp: number; out: string }[]
}

/**
 * benchOracle times FromGlobs and the renders with Alertmanager 0.25's Go code.
 *
 * @param bin - the oracle binary from buildOracle.
 * @param input - the group, the renders and the iteration counts.
 * @returns Go's ns/op figures and outputs.
 * @throws Error when the oracle fails (a template error included).
 */
export function benchOracle(bin: string, input: OracleBench): OracleBenchResult {
  const r = spawnSync(bin, ['bench'], {
    input: JSON.stringify(input),
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TZ: 'UTC' },
  })
  if (r.status !== 0) {
    throw new Error(`template oracle (bench) failed: ${r.stderr.toString()}`)
  }
  return JSON.parse(r.stdout.toString()) as OracleBenchResult
}
