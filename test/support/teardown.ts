/** Stoppable is anything a suite starts and must stop: nodes, receivers, the stand-in. */
export interface Stoppable {
  stop(): Promise<unknown>
}

interface Step {
  readonly release: () => unknown
}

/**
 * Teardown releases what a suite acquired, newest first, each step awaited even when an earlier
 * one failed. Suites register a resource the moment it exists, so a before() hook that fails
 * half-way still has everything it did start released by after(): a server left listening keeps
 * the test file's process alive and the whole run waiting.
 *
 * @example
 *   const teardown = new Teardown()
 *   after(() => teardown.run())
 *   before(async () => {
 *     consul = teardown.stop(await startConsulStandin())
 *     members = teardown.add(await startTestCluster(3, options), stopMembers)
 *   })
 */
export class Teardown {
  #steps: Step[] = []

  /**
   * add registers how to release a resource just acquired.
   *
   * @param resource - what was acquired.
   * @param release - releases it.
   * @returns the resource, for assignment.
   */
  add<T>(resource: T, release: (resource: T) => unknown): T {
    this.#steps.push({ release: () => release(resource) })
    return resource
  }

  /**
   * stop registers a resource released by its own stop().
   *
   * @param resource - what was started.
   * @returns the resource, for assignment.
   */
  stop<T extends Stoppable>(resource: T): T {
    return this.add(resource, (r) => r.stop())
  }

  /**
   * stopAll awaits resources started side by side, registering each the moment it is up, and
   * settles only once every start has. With a bare Promise.all, a start still running when a
   * sibling failed would finish after run() and never be stopped.
   *
   * @example
   *   ;[node, alertmanager] = await teardown.stopAll([TestNode.start(a), TestNode.start(b)])
   *
   * @param starts - the starts, side by side.
   * @returns the resources, in the order of `starts`.
   */
  async stopAll<const T extends readonly Stoppable[]>(starts: {
    readonly [K in keyof T]: Promise<T[K]>
  }): Promise<T> {
    const settled = await Promise.allSettled(
      (starts as readonly Promise<Stoppable>[]).map(async (start) => this.stop(await start))
    )
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) {
      throw failed.reason
    }
    return settled.map((r) => (r as PromiseFulfilledResult<Stoppable>).value) as unknown as T
  }

  /**
   * run releases everything registered so far, newest first. Every step runs; the failures are
   * thrown together afterwards.
   */
  async run(): Promise<void> {
    const steps = this.#steps.reverse()
    this.#steps = []
    const failures: unknown[] = []
    for (const step of steps) {
      try {
        await step.release()
      } catch (err: unknown) {
        failures.push(err)
      }
    }
    if (failures.length === 1) {
      throw failures[0]
    }
    if (failures.length > 1) {
      throw new AggregateError(failures, `${failures.length} teardown steps failed`)
    }
  }
}
