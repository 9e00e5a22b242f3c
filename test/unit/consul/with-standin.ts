// The Consul the unit tests of src/consul talk to: the stand-in of test/support/consul-standin,
// started in-process, with a client on it.
import assert from 'node:assert/strict'
import { after, before } from 'node:test'

import { ConsulClient } from '#src/consul/index.js'

import { startConsulStandin } from '../../support/consul-standin/index.js'
import type { ConsulStandin } from '../../support/consul-standin/index.js'

/**
 * withConsulStandin starts a stand-in and a client on it before the suite's tests and closes
 * both after them, handing both to `use` (the suite keeps them in its own variables).
 *
 * @param use - receives the stand-in and the client once they exist.
 */
export function withConsulStandin(
  use: (consul: ConsulStandin, client: ConsulClient) => void
): void {
  let consul: ConsulStandin | undefined
  let client: ConsulClient | undefined
  before(async () => {
    consul = await startConsulStandin()
    client = new ConsulClient({ baseUrl: consul.url })
    use(consul, client)
  })
  after(async () => {
    client?.close()
    await consul?.stop()
  })
}

/**
 * kvPut stores a value as another writer would, past the client under test.
 *
 * @param consul - the stand-in.
 * @param key - the key.
 * @param value - the value.
 */
export async function kvPut(consul: ConsulStandin, key: string, value: string): Promise<void> {
  const res = await fetch(`${consul.url}/v1/kv/${key}`, { method: 'PUT', body: value })
  assert.equal(await res.text(), 'true', `PUT ${key}`)
}
