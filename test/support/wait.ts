import { setTimeout as sleep } from 'node:timers/promises'

/**
 * waitFor polls a condition until it holds, for events that have no callback to await (a
 * process becoming ready, a file appearing). Fails with `what` after `timeoutMs`, or as soon as
 * `signal` aborts: a poll raced against a process exit must not keep the test file alive for
 * the rest of its timeout once the race is lost.
 *
 * @param what - described in the failure.
 * @param check - returns a truthy value when done.
 * @param options - timeout, poll interval and abort signal.
 * @returns the first truthy value.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {}
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000)
  let lastError: unknown
  for (;;) {
    options.signal?.throwIfAborted()
    try {
      const value = await check()
      if (value !== undefined && value !== false) {
        return value
      }
    } catch (err: unknown) {
      lastError = err
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
      throw new Error(`timed out waiting for ${what}${detail}`)
    }
    await sleep(options.intervalMs ?? 25)
  }
}
