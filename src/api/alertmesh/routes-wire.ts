// The wire shapes of GET /api/alertmesh/v1/routes and /routes/test: types only, with no import,
// so that the browser bundle (src/ui) reads the same types the handlers write.

/** RouteJson is one node of the routing tree as GET /api/alertmesh/v1/routes shows it. */
export interface RouteJson {
  /** Child indexes from the root (`[]` is the root, `[1, 0]` its second child's first). */
  readonly path: readonly number[]
  /** Each matcher as Alertmanager prints it, e.g. `team=~"db|storage"`. */
  readonly matchers: readonly string[]
  readonly receiver: string
  /** `["..."]` when grouping by all labels. */
  readonly groupBy: readonly string[]
  readonly groupWait: string
  readonly groupInterval: string
  readonly repeatInterval: string
  readonly continue: boolean
  readonly muteTimeIntervals: readonly string[]
  readonly activeTimeIntervals: readonly string[]
  /** The options this route takes from its parent (or the defaults) rather than its own config. */
  readonly inherited: readonly InheritableOption[]
  readonly routes: readonly RouteJson[]
}

/** InheritableOption names an option a child route takes from its parent when it omits it. */
export type InheritableOption =
  'receiver' | 'groupBy' | 'groupWait' | 'groupInterval' | 'repeatInterval'

/** RouteTestJson is the answer of GET /api/alertmesh/v1/routes/test. */
export interface RouteTestJson {
  /** The label set that was routed (a later pair with the same name wins). */
  readonly labels: Readonly<Record<string, string>>
  /** The matching routes in routing order, as `amtool config routes test` walks them. */
  readonly routes: readonly { readonly path: readonly number[]; readonly receiver: string }[]
  /** Their receivers in the same order, duplicates kept: amtool prints them joined by `,`. */
  readonly receivers: readonly string[]
}
