import { goJSONString, goJSONStringMap } from '../../../util/index.js'
import { goTrimSpace } from '../../template/index.js'
import { encodeGoQuery, parseGoQuery, splitAPIURL } from '../go-query.js'

import type { OpsGenieResponder } from './config.js'

/** OpsGenieRequest is one HTTP request of a notification, before its headers. */
export interface OpsGenieRequest {
  readonly method: 'POST' | 'PUT'
  readonly url: string
  readonly body: string
}

/** OpsGenieAlert is the rendered create message (opsGenieCreateMessage). */
export interface OpsGenieAlert {
  readonly alias: string
  readonly message: string
  readonly description: string
  readonly details: Readonly<Record<string, string>>
  readonly source: string
  readonly responders: readonly Required<OpsGenieResponder>[]
  readonly tags: readonly string[]
  readonly note: string
  readonly priority: string
  readonly entity: string
  readonly actions: readonly string[]
}

/**
 * OpsGenieEndpoints builds 0.25's request URLs from `api_url` (already ending in `/`): the path
 * is extended, and the alias-addressed ones get `identifierType=alias` merged into the query,
 * which Go's url.Values re-encodes with its keys sorted.
 */
export class OpsGenieEndpoints {
  /** #base is the URL up to and including its path. */
  readonly #base: string
  /** #query is `?` and the raw query as configured, or ''. */
  readonly #query: string
  readonly #rawQuery: string

  /**
   * OpsGenieEndpoints's constructor splits the configured URL.
   *
   * @param apiURL - `api_url` as the config prints it (Go's URL.String()).
   */
  constructor(apiURL: string) {
    const { base, query } = splitAPIURL(apiURL)
    this.#base = base
    this.#query = query
    this.#rawQuery = query.slice(1)
  }

  /** create is `<api_url>v2/alerts`, its query as configured. */
  create(): string {
    return `${this.#base}v2/alerts${this.#query}`
  }

  /**
   * byAlias is `<api_url>v2/alerts/<alias>/<action>?identifierType=alias` (close, message,
   * description).
   *
   * @param alias - the alert's alias.
   * @param action - the last path segment.
   * @returns the URL.
   */
  byAlias(alias: string, action: 'close' | 'message' | 'description'): string {
    const values = parseGoQuery(this.#rawQuery)
    values.set('identifierType', ['alias'])
    return `${this.#base}v2/alerts/${alias}/${action}?${encodeGoQuery(values)}`
  }
}

/**
 * safeSplit is 0.25's safeSplit: the text trimmed, split on `sep`, empty items dropped (items
 * themselves are not trimmed).
 *
 * @param s - the rendered field.
 * @param sep - the separator.
 * @returns the items.
 */
export function safeSplit(s: string, sep: string): string[] {
  return goTrimSpace(s)
    .split(sep)
    .filter((x) => x !== '')
}

/**
 * encodeCreate is opsGenieCreateMessage as Go's json.Encoder writes it: field order,
 * `omitempty` (description, responders, tags, note, priority, entity, actions; responders'
 * id, name and username), `details` always present, HTML escaping, trailing newline.
 *
 * @param alert - the rendered message.
 * @returns the body.
 */
export function encodeCreate(alert: OpsGenieAlert): string {
  const parts = [`"alias":${goJSONString(alert.alias)}`, `"message":${goJSONString(alert.message)}`]
  if (alert.description !== '') {
    parts.push(`"description":${goJSONString(alert.description)}`)
  }
  parts.push(
    `"details":${goJSONStringMap(alert.details)}`,
    `"source":${goJSONString(alert.source)}`
  )
  if (alert.responders.length > 0) {
    const responders = alert.responders.map((r) => {
      const fields: string[] = []
      for (const [name, value] of [
        ['id', r.id],
        ['name', r.name],
        ['username', r.username],
      ] as const) {
        if (value !== '') {
          fields.push(`"${name}":${goJSONString(value)}`)
        }
      }
      fields.push(`"type":${goJSONString(r.type)}`)
      return `{${fields.join(',')}}`
    })
    parts.push(`"responders":[${responders.join(',')}]`)
  }
  if (alert.tags.length > 0) {
    parts.push(`"tags":[${alert.tags.map(goJSONString).join(',')}]`)
  }
  for (const [name, value] of [
    ['note', alert.note],
    ['priority', alert.priority],
    ['entity', alert.entity],
  ] as const) {
    if (value !== '') {
      parts.push(`"${name}":${goJSONString(value)}`)
    }
  }
  if (alert.actions.length > 0) {
    parts.push(`"actions":[${alert.actions.map(goJSONString).join(',')}]`)
  }
  return `{${parts.join(',')}}\n`
}

/**
 * encodeField is a one-field message (`{"source":…}` to close; `{"message":…}` and
 * `{"description":…}` to update, whose field is `omitempty`).
 *
 * @param name - the field.
 * @param value - its value.
 * @param omitEmpty - whether '' leaves the field out.
 * @returns the body.
 */
export function encodeField(name: string, value: string, omitEmpty: boolean): string {
  return omitEmpty && value === '' ? '{}\n' : `{"${name}":${goJSONString(value)}}\n`
}
