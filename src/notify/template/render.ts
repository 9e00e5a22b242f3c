/**
 * What `amtool template render` does (Alertmanager 0.25 cli/template_render.go), for the
 * `alertmesh template render` command: build a Template from globs, decode the data or use
 * amtool's example data, render one text.
 */
import { AlertTemplate } from './alert-template.js'
import { dataFromJSON } from './data-json.js'
import { ALERT, ALERTS, DATA, kvValue } from './data.js'
import { GoBox, goStruct } from './go/index.js'
import type { GoValue } from './go/index.js'
import { timeValue } from './time.js'
import { localLocation } from './zone.js'

/** RenderInput is what `template render` takes. */
export interface RenderInput {
  /** globs are `--template.glob` patterns, in order. */
  readonly globs: readonly string[]
  /** text is `--template.text`. */
  readonly text: string
  /** type is `--template.type`: text (default) or html. */
  readonly type: 'text' | 'html'
  /** dataJSON is the content of `--template.data`, if given. */
  readonly dataJSON?: string
  /** now is the clock for amtool's example data (epoch ms). */
  readonly now: number
}

/**
 * exampleData is amtool's defaultData: two alerts, group, common labels and annotations, with
 * times 5 and 10 minutes before `now` in the Local zone (amtool's time.Now() also carries a
 * monotonic clock reading that String() prints as ` m=...`; ours has none).
 *
 * @param nowMs - the current time, epoch ms.
 * @returns a template.Data value.
 */
export function exampleData(nowMs: number): GoValue {
  const at = (ms: number): GoValue => {
    const sec = Math.floor(ms / 1000)
    return timeValue({ sec, nsec: Math.round((ms - sec * 1000) * 1e6), loc: localLocation() })
  }
  const common = { commonlabelkey1: 'commonlabelvalue1', commonlabelkey2: 'commonlabelvalue2' }
  const commonAnn = {
    commonannotationkey1: 'commonannotationvalue1',
    commonannotationkey2: 'commonannotationvalue2',
  }
  const alert = (
    labels: Record<string, string>,
    annotations: Record<string, string>,
    minutesAgo: number,
    fingerprint: string
  ): GoValue =>
    goStruct(ALERT, {
      Status: 'alertstatus',
      Labels: kvValue({ ...labels, ...common }),
      Annotations: kvValue({ ...annotations, ...commonAnn }),
      StartsAt: at(nowMs - minutesAgo * 60_000),
      EndsAt: at(nowMs),
      GeneratorURL: 'https://generatorurl.com',
      Fingerprint: fingerprint,
    })
  return goStruct(DATA, {
    Receiver: 'receiver',
    Status: 'alertstatus',
    Alerts: new GoBox(ALERTS, [
      alert(
        { label1: 'value1', label2: 'value2', instance: 'foo.bar:1234' },
        { annotation1: 'value1', annotation2: 'value2' },
        5,
        'fingerprint1'
      ),
      alert({ foo: 'bar', baz: 'qux' }, { aaa: 'bbb', ccc: 'ddd' }, 10, 'fingerprint2'),
    ]),
    GroupLabels: kvValue({
      grouplabelkey1: 'grouplabelvalue1',
      grouplabelkey2: 'grouplabelvalue2',
    }),
    CommonLabels: kvValue(common),
    CommonAnnotations: kvValue(commonAnn),
    ExternalURL: 'https://example.com',
  })
}

/**
 * renderTemplate renders `text` as amtool's `template render` does.
 *
 * @param input - globs, text, type, data and clock.
 * @returns the output.
 * @throws Error with Go's message (glob, parse, JSON or execution error).
 */
export function renderTemplate(input: RenderInput): string {
  const tmpl = AlertTemplate.fromGlobs(input.globs)
  const data = input.dataJSON === undefined ? exampleData(input.now) : dataFromJSON(input.dataJSON)
  return input.type === 'html'
    ? tmpl.executeHTMLString(input.text, data)
    : tmpl.executeTextString(input.text, data)
}
