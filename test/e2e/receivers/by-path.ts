// The chat receivers' differential tests run one case per receiver, each sending to its own
// path; groups flush concurrently, so requests are compared path by path.
import assert from 'node:assert/strict'

import { assertSameRequests } from '../../support/side-by-side.js'
import type { CapturedRequest } from '../../support/side-by-side.js'

/**
 * byPath groups one side's requests by path (and query), in arrival order.
 *
 * @param requests - what one capture server received.
 * @returns the requests per path.
 */
export function byPath(requests: readonly CapturedRequest[]): Map<string, CapturedRequest[]> {
  const paths = new Map<string, CapturedRequest[]>()
  for (const request of requests) {
    paths.set(request.path, [...(paths.get(request.path) ?? []), request])
  }
  return paths
}

/**
 * assertSamePerPath checks that both sides used the same paths and, on each, sent the same
 * requests in the same order (see assertSameRequests).
 *
 * @param am - Alertmanager's requests.
 * @param mesh - alertmesh's requests.
 * @param headers - header names to compare, by default assertSameRequests' own.
 */
export function assertSamePerPath(
  am: readonly CapturedRequest[],
  mesh: readonly CapturedRequest[],
  headers?: readonly string[]
): void {
  const amPaths = byPath(am)
  const meshPaths = byPath(mesh)
  assert.deepEqual([...meshPaths.keys()].sort(), [...amPaths.keys()].sort(), 'paths')
  for (const [path, requests] of amPaths) {
    assertSameRequests(requests, meshPaths.get(path) ?? [], headers)
  }
}
