import { dirname } from 'node:path'

import type { YNode } from '../config/index.js'

import { ZERO_TLS_SERVER_CONFIG, decodeTlsServerConfig, readText, withDirectory } from './config.js'
import type { TlsServerConfig } from './config.js'
import { WebConfigError } from './errors.js'
import { Decoder, decodeStrict, joinDir, parseTree, tlsVersion } from './yaml-decoder.js'
import type { TlsVersionName } from './yaml-decoder.js'

/**
 * The cluster TLS config file (`--cluster.tls-config`) as Alertmanager 0.25 reads it:
 * cluster/tls_config.go's GetTLSTransportConfig, yaml.v2 UnmarshalStrict onto
 * `TLSTransportConfig{TLSServerConfig *web.TLSConfig; TLSClientConfig *config.TLSConfig}`
 * (no defaults: Go's zero values), then both parts' SetDirectory. Messages are yaml.v2's and
 * the os package's, word for word (test/unit/web/cluster-tls-config.test.ts compares them
 * with the Go code).
 */

/** TlsClientConfig is `tls_client_config` (Prometheus common's `config.TLSConfig`). */
export interface TlsClientConfig {
  readonly caFile: string
  readonly certFile: string
  readonly keyFile: string
  /** serverName is the name the peers' certificates are checked against ('' for the address). */
  readonly serverName: string
  readonly insecureSkipVerify: boolean
  /** minVersion is undefined when unset (Go's client default, TLS 1.2). */
  readonly minVersion: TlsVersionName | undefined
  /** maxVersion is undefined when unset (TLS 1.3). */
  readonly maxVersion: TlsVersionName | undefined
}

/** ClusterTlsConfig is the whole file. */
export interface ClusterTlsConfig {
  readonly tlsServerConfig: TlsServerConfig
  readonly tlsClientConfig: TlsClientConfig
}

const ZERO_TLS_CLIENT_CONFIG: TlsClientConfig = {
  caFile: '',
  certFile: '',
  keyFile: '',
  serverName: '',
  insecureSkipVerify: false,
  minVersion: undefined,
  maxVersion: undefined,
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * decodeTlsClientConfig decodes a `config.TLSConfig` mapping. Its UnmarshalYAML decodes into
 * a local `plain` type, so yaml.v2 names the type `config.plain` in its errors.
 */
function decodeTlsClientConfig(d: Decoder, node: YNode): TlsClientConfig {
  const c: Mutable<TlsClientConfig> = { ...ZERO_TLS_CLIENT_CONFIG }
  d.fields(node, 'config.plain', {
    ca_file: (x) => (c.caFile = d.string(x)),
    cert_file: (x) => (c.certFile = d.string(x)),
    key_file: (x) => (c.keyFile = d.string(x)),
    server_name: (x) => (c.serverName = d.string(x)),
    insecure_skip_verify: (x) => (c.insecureSkipVerify = d.bool(x, c.insecureSkipVerify)),
    min_version: (x) => (c.minVersion = tlsVersion(d, x)),
    max_version: (x) => (c.maxVersion = tlsVersion(d, x)),
  })
  return c
}

/**
 * parseClusterTlsConfig decodes a cluster TLS config file's text as GetTLSTransportConfig does.
 * Where 0.25 goes on with a nil part and then crashes (a file without `tls_server_config` or
 * `tls_client_config`, or with either set to null), the file is refused naming the part.
 *
 * @param text - the file's content.
 * @param path - the file's path; relative paths are taken from its directory.
 * @returns the decoded config, paths joined.
 * @throws WebConfigError with yaml.v2's message, or naming the missing part.
 */
export function parseClusterTlsConfig(text: string, path: string): ClusterTlsConfig {
  const root = parseTree(text)
  const d = new Decoder(text)
  let server: TlsServerConfig | undefined
  let client: TlsClientConfig | undefined
  decodeStrict(d, () => {
    if (root === undefined) {
      return
    }
    d.fields(root, 'cluster.TLSTransportConfig', {
      tls_server_config: (v) =>
        (server = d.isNull(v) ? undefined : decodeTlsServerConfig(d, v, ZERO_TLS_SERVER_CONFIG)),
      tls_client_config: (v) => (client = d.isNull(v) ? undefined : decodeTlsClientConfig(d, v)),
    })
  })
  for (const [part, value] of [
    ['tls_server_config', server],
    ['tls_client_config', client],
  ] as const) {
    if (value === undefined) {
      throw new WebConfigError(
        `${part} is missing (Alertmanager 0.25 crashes on such a file); mutual TLS needs both tls_server_config and tls_client_config`
      )
    }
  }
  const dir = dirname(path)
  const c = client as TlsClientConfig
  return {
    tlsServerConfig: withDirectory(server as TlsServerConfig, dir),
    tlsClientConfig: {
      ...c,
      caFile: joinDir(dir, c.caFile),
      certFile: joinDir(dir, c.certFile),
      keyFile: joinDir(dir, c.keyFile),
    },
  }
}

/**
 * readClusterTlsConfig reads and decodes the file.
 *
 * @param path - --cluster.tls-config.
 * @returns the decoded config.
 * @throws WebConfigError for a file that cannot be read or decoded.
 */
export function readClusterTlsConfig(path: string): ClusterTlsConfig {
  return parseClusterTlsConfig(readText(path), path)
}
