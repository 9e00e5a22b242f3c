import { AlertmeshError } from '../util/index.js'

/** ConfigErrorDetails locates a config error. */
export interface ConfigErrorDetails {
  /** Field path such as `route.routes[2].group_wait`, when the error concerns one field. */
  readonly path?: string | undefined
  /** 1-based line in the YAML source, when known. */
  readonly line?: number | undefined
  /** 1-based column in the YAML source, when known. */
  readonly column?: number | undefined
  /** File name (or Consul key) the text came from, when given. */
  readonly fileName?: string | undefined
  /**
   * The text shown after the location in `message` when it differs from `amMessage`: for yaml.v2
   * unmarshal errors, which Alertmanager lists all together, the first one alone.
   */
  readonly summary?: string | undefined
  /** The underlying error. */
  readonly cause?: unknown
}

/**
 * ConfigError reports a configuration that Alertmanager 0.25 would refuse. `amMessage` is exactly
 * what Alertmanager (and `amtool check-config`) prints, e.g. `not a valid duration string: "5x"`
 * or `yaml: unmarshal errors:\n  line 3: field foo not found in type config.plain`; `message`
 * adds where: `line 12: route.routes[2].group_wait: not a valid duration string: "5x"`.
 */
export class ConfigError extends AlertmeshError {
  /** Alertmanager's own message for the error. */
  readonly amMessage: string
  /** Field path such as `route.routes[2].group_wait`, when known. */
  readonly path: string | undefined
  /** 1-based line, when known. */
  readonly line: number | undefined
  /** 1-based column, when known. */
  readonly column: number | undefined
  /** The source name given to loadConfig, if any. */
  readonly fileName: string | undefined

  constructor(amMessage: string, details: ConfigErrorDetails = {}) {
    super('AM_CONFIG_INVALID', describe(amMessage, details), { cause: details.cause })
    this.amMessage = amMessage
    this.path = details.path
    this.line = details.line
    this.column = details.column
    this.fileName = details.fileName
  }
}

function describe(amMessage: string, d: ConfigErrorDetails): string {
  let where = d.line === undefined ? '' : `line ${d.line}: `
  if (d.fileName !== undefined) {
    where = `${d.fileName}: ${where}`
  }
  const path = d.path === undefined || d.path === '' ? '' : `${d.path}: `
  return `${where}${path}${d.summary ?? amMessage}`
}
