// The chat receivers' differential tests run one case per receiver, each sending to its own
// path; groups flush concurrently, so requests are compared path by path.
import assert from 'node:assert/strict'

import { assertSameRequests } from '../../support/side-by-side.js'
import type { CapturedRequest, SideBySide } from '../../support/side-by-side.js'

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

/**
 * assertSameConfigShown checks that both nodes show the same `config.original` in
 * GET /api/v2/status (secrets as `<secret>`, defaults filled in, 0.25's key order), once each
 * side's capture URL and directory are put back as `{{CAPTURE}}` and `{{DIR}}`.
 *
 * @param run - the two nodes.
 */
export async function assertSameConfigShown(run: SideBySide): Promise<void> {
  const [am, mesh] = await Promise.all(
    [run.am, run.mesh].map(async (side) => {
      const response = await fetch(`${side.node.url}/api/v2/status`)
      const status = (await response.json()) as { config: { original: string } }
      return status.config.original
        .replaceAll(side.capture.url, '{{CAPTURE}}')
        .replaceAll(side.node.dir, '{{DIR}}')
    })
  )
  assert.equal(mesh, am)
}
