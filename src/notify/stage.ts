import type { Alert } from '../alerts/index.js'

import type { NotifyContext } from './notifier.js'

/** StageResult is what a stage hands to the next one: the context and the surviving alerts. */
export interface StageResult<C extends NotifyContext = NotifyContext> {
  readonly ctx: C
  readonly alerts: readonly Alert[]
}

/**
 * Stage is one step of the notification pipeline (Alertmanager's notify.Stage). It resolves
 * with the alerts that go on, or rejects when the flush must be reported as failed.
 */
export interface Stage {
  exec(ctx: NotifyContext, alerts: readonly Alert[]): Promise<StageResult>
}

/**
 * sequence runs stages in order and stops, successfully, as soon as no alert is left
 * (Alertmanager's MultiStage).
 *
 * @param stages - the stages, in order.
 * @returns the combined stage.
 */
export function sequence(...stages: readonly Stage[]): Stage {
  return {
    async exec(ctx, alerts) {
      let result: StageResult = { ctx, alerts }
      for (const stage of stages) {
        if (result.alerts.length === 0) {
          break
        }
        result = await stage.exec(result.ctx, result.alerts)
      }
      return result
    },
  }
}

/**
 * fanout runs stages concurrently on the same input (Alertmanager's FanoutStage, one branch per
 * integration). It fails when any branch failed, with every failure in an AggregateError, but
 * only after all branches settled: one failing integration never cancels another.
 *
 * @param stages - the branches.
 * @returns the combined stage; its result carries the input alerts.
 */
export function fanout(stages: readonly Stage[]): Stage {
  return {
    async exec(ctx, alerts) {
      const results = await Promise.allSettled(stages.map((stage) => stage.exec(ctx, alerts)))
      const failures = results.flatMap((r) =>
        r.status === 'rejected' ? [r.reason as unknown] : []
      )
      if (failures.length > 0) {
        const message = failures.map((f) => (f instanceof Error ? f.message : String(f))).join('; ')
        throw new AggregateError(failures, message)
      }
      return { ctx, alerts }
    },
  }
}

/**
 * byReceiver selects the stage of the flush's receiver (Alertmanager's RoutingStage).
 *
 * @param stages - one stage per receiver name.
 * @returns the routing stage; it fails for a receiver it does not know.
 */
export function byReceiver(stages: ReadonlyMap<string, Stage>): Stage {
  return {
    exec(ctx, alerts) {
      const stage = stages.get(ctx.receiver)
      if (stage === undefined) {
        return Promise.reject(new Error(`stage for receiver missing: ${ctx.receiver}`))
      }
      return stage.exec(ctx, alerts)
    },
  }
}
