import { isIP } from 'node:net'
import { checkServerIdentity, createSecureContext } from 'node:tls'
import type { ConnectionOptions, SecureContextOptions, TLSSocket } from 'node:tls'

import { errorMessage } from '../util/index.js'

import { buildClientTls, clientFiles } from './client-tls.js'
import type { ClientTls } from './client-tls.js'
import { readClusterTlsConfig } from './cluster-tls-config.js'
import type { ClusterTlsConfig } from './cluster-tls-config.js'
import { WebConfigError } from './errors.js'
import { buildServerTls, checkHonoured, clientCertRefusal, hasTls, sameFiles } from './tls.js'
import type { ServerTls } from './tls.js'

/**
 * GossipServerTls is what the next accepted gossip connection's handshake uses: the shape
 * src/cluster declares under the same name, which this module may not import (the layer rule);
 * src/cli passes GossipTlsFiles where the cluster wants its GossipTls, and the compiler checks
 * they match.
 */
export interface GossipServerTls {
  readonly context: SecureContextOptions
  /** requestCert is whether a client certificate is asked for (any mode but NoClientCert). */
  readonly requestCert: boolean
  /**
   * refuses applies client_auth_type once the handshake is done.
   *
   * @param socket - the accepted connection.
   * @returns why the peer is refused, or undefined.
   */
  refuses(socket: TLSSocket): string | undefined
}

/**
 * GossipTlsFiles is --cluster.tls-config at run time: the file is read and every certificate
 * checked once at start, as Alertmanager 0.25's NewTLSTransport does (a file it refuses stops
 * the node); then each new connection gets settings built from the certificate, key and CA
 * files as they are on disk, rebuilt only when their bytes changed. Alertmanager re-reads the
 * certificate and key per handshake but keeps the CAs of the start; alertmesh re-reads the CAs
 * too, so a CA can be rotated without a restart as well.
 */
export class GossipTlsFiles {
  readonly #config: ClusterTlsConfig
  #server: { tls: ServerTls; settings: GossipServerTls }
  #client: { tls: ClientTls; options: ConnectionOptions }

  private constructor(config: ClusterTlsConfig) {
    this.#config = config
    this.#server = serverSettings(config)
    this.#client = clientSettings(config)
  }

  /**
   * open reads the file and loads both parts' files.
   *
   * @param path - --cluster.tls-config.
   * @returns the settings source.
   * @throws WebConfigError with Alertmanager's message (`invalid TLS server config: …` and
   *   `invalid TLS client config: …` for the parts' files), or UnsupportedTlsError naming a
   *   field Node's TLS cannot honour.
   */
  static open(path: string): GossipTlsFiles {
    return new GossipTlsFiles(readClusterTlsConfig(path))
  }

  /**
   * server gives the settings for the next accepted connection: the same object while the
   * files are unchanged.
   *
   * @returns the settings.
   * @throws WebConfigError when a changed file cannot be loaded (the connection is refused;
   *   the next one tries again).
   */
  server(): GossipServerTls {
    const c = this.#config.tlsServerConfig
    if (!sameFiles(this.#server.tls.sources, [c.certFile, c.keyFile, c.clientCaFile])) {
      this.#server = serverSettings(this.#config)
    }
    return this.#server.settings
  }

  /**
   * client gives the options for one dial.
   *
   * @param host - the host dialled (an IP address, or a name).
   * @returns tls.connect's options, host and port aside.
   * @throws WebConfigError when a changed file cannot be loaded.
   */
  client(host: string): ConnectionOptions {
    if (!sameFiles(this.#client.tls.sources, clientFiles(this.#config.tlsClientConfig))) {
      this.#client = clientSettings(this.#config)
    }
    const { tls, options } = this.#client
    // Go's tls.Dial checks the certificate against server_name, else the dialled host (an IP
    // address is matched with the IP SANs); SNI carries only a name, never an address.
    const name = tls.serverName === '' ? host : tls.serverName
    return {
      ...options,
      ...(isIP(name) === 0 ? { servername: name } : {}),
      checkServerIdentity: (_host, cert) => checkServerIdentity(name, cert),
    }
  }
}

function serverSettings(config: ClusterTlsConfig): {
  tls: ServerTls
  settings: GossipServerTls
} {
  const c = config.tlsServerConfig
  let tls: ServerTls
  try {
    // 0.25 hands an empty tls_server_config to ConfigToTLSConfig, which refuses it so.
    if (!hasTls(c)) {
      throw new WebConfigError('TLS config is not present')
    }
    tls = buildServerTls(c)
    checkHonoured(c, tls)
  } catch (err: unknown) {
    throw new WebConfigError(`invalid TLS server config: ${errorMessage(err)}`, { cause: err })
  }
  const mode = tls.clientAuth
  return {
    tls,
    settings: {
      context: tls.options,
      requestCert: mode !== 'NoClientCert',
      refuses: (socket) => clientCertRefusal(mode, socket),
    },
  }
}

function clientSettings(config: ClusterTlsConfig): {
  tls: ClientTls
  options: ConnectionOptions
} {
  try {
    const tls = buildClientTls(config.tlsClientConfig)
    return {
      tls,
      options: {
        secureContext: createSecureContext(tls.options),
        rejectUnauthorized: tls.verify,
      },
    }
  } catch (err: unknown) {
    throw new WebConfigError(`invalid TLS client config: ${errorMessage(err)}`, { cause: err })
  }
}
