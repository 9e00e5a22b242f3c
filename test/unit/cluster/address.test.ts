import assert from 'node:assert/strict'
import { describe, it } from 'node:test'

import {
  defaultAdvertiseHost,
  formatHostPort,
  isWildcardHost,
  parseHostPort,
  resolveAddress,
  selfAddresses,
} from '#src/cluster/address.js'
import { InvalidArgumentError } from '#src/util/index.js'

describe('parseHostPort', () => {
  it('splits host and port as net.SplitHostPort does', () => {
    const cases: [string, string, number][] = [
      // IPv4.
      ['127.0.0.1:9094', '127.0.0.1', 9094],
      // IPv6 in brackets.
      ['[::1]:9094', '::1', 9094],
      // A name.
      ['am-1.example:9094', 'am-1.example', 9094],
      // Empty host: every interface.
      [':9094', '', 9094],
      // Port 0: any free port.
      ['127.0.0.1:0', '127.0.0.1', 0],
    ]
    for (const [address, host, port] of cases) {
      assert.deepEqual(parseHostPort(address), { host, port }, address)
    }
  })

  it('refuses addresses without a valid port, naming the option', () => {
    for (const bad of ['127.0.0.1', '::1:9094', '[::1]9094', 'host:', 'host:65536', 'host:x1']) {
      assert.throws(
        () => parseHostPort(bad, 'listenAddress'),
        (err: unknown) =>
          err instanceof InvalidArgumentError && err.message.startsWith('listenAddress'),
        bad
      )
    }
  })
})

describe('addresses', () => {
  it('joins host and port, bracketing IPv6', () => {
    assert.equal(formatHostPort('::1', 1), '[::1]:1')
    assert.equal(formatHostPort('10.0.0.1', 2), '10.0.0.1:2')
  })

  it('knows the wildcard hosts', () => {
    assert.deepEqual(['', '0.0.0.0', '::', '127.0.0.1'].map(isWildcardHost), [
      true,
      true,
      true,
      false,
    ])
  })

  it('advertises an IPv4 address', () => {
    assert.match(defaultAdvertiseHost(), /^\d+\.\d+\.\d+\.\d+$/)
  })

  it('says which flag to set when the interfaces cannot be listed (netlink blocked)', () => {
    const blocked = () => {
      throw new Error('uv_interface_addresses returned Unknown system error 97')
    }
    assert.throws(
      () => defaultAdvertiseHost(blocked),
      /cannot list this host's network interfaces .*Unknown system error 97.*--cluster\.advertise-address/
    )
  })

  it('counts loopback and the advertised address as self on a wildcard listener', () => {
    const self = selfAddresses('0.0.0.0', 9094, '10.9.9.9:9094')
    assert.ok(self.has('127.0.0.1:9094'))
    assert.ok(self.has('10.9.9.9:9094'))
    assert.ok(!self.has('127.0.0.1:9095'))
    assert.deepEqual(selfAddresses('127.0.0.1', 1, '127.0.0.1:1'), new Set(['127.0.0.1:1']))
  })

  it('resolves names to every address, keeps IPs, and keeps a name that does not resolve', async () => {
    const lookups: string[] = []
    const lookup = (host: string) => {
      lookups.push(host)
      if (host === 'down.example') {
        return Promise.reject(new Error('ENOTFOUND'))
      }
      return Promise.resolve([
        { address: '127.0.0.2' },
        { address: '::1' },
        { address: '127.0.0.2' },
      ])
    }
    assert.deepEqual(await resolveAddress('am.example:9094', lookup), [
      '127.0.0.2:9094',
      '[::1]:9094',
    ])
    assert.deepEqual(await resolveAddress('127.0.0.1:9094', lookup), ['127.0.0.1:9094'])
    assert.deepEqual(await resolveAddress('down.example:9094', lookup), ['down.example:9094'])
    assert.deepEqual(lookups, ['am.example', 'down.example'])
  })
})
