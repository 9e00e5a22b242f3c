/**
 * Builds and runs test/support/rocketchat-oracle/main.go, which holds the types and code copied
 * from Alertmanager's notify/rocketchat (68fb2d5, v0.34.0+20): rocketchat is newer than the
 * Alertmanager 0.25 on this machine, so Go itself is the oracle for its body bytes, its URL
 * joining and its reading of answers. Standard library only; GOPATH mode, offline.
 */
import type { GoProgram } from './go-program.js'
import { repoPath, runGoProgram } from './go-program.js'

const ROCKETCHAT_ORACLE: GoProgram = {
  name: 'rocketchat-oracle',
  source: 'test/support/rocketchat-oracle',
  importPath: 'rocketchatoracle',
}

/** ROCKETCHAT_ORACLE_SOURCE is the oracle's Go file, which also holds the copied config structs. */
export const ROCKETCHAT_ORACLE_SOURCE = (): string =>
  repoPath('test/support/rocketchat-oracle/main.go')

/** RenderedCase is what Notify rendered from one entry (`short` unset when the field has none). */
export interface RenderedCase {
  readonly channel: string
  readonly emoji: string
  readonly icon_url: string
  readonly title: string
  readonly title_link: string
  readonly text: string
  readonly image_url: string
  readonly thumb_url: string
  readonly color: string
  readonly fields: readonly { title: string; value: string; short?: boolean }[]
  readonly short_fields: boolean
  readonly actions: readonly { text: string; url: string; msg: string }[]
}

/**
 * encodePostMessages encodes each case as newer Alertmanager's rocketchat notifier does.
 *
 * @param cases - the rendered entries.
 * @returns each body as sent, trailing newline included.
 */
export function encodePostMessages(cases: readonly RenderedCase[]): string[] {
  return runGoProgram(ROCKETCHAT_ORACLE, ['encode'], JSON.stringify(cases)) as string[]
}

/**
 * postMessageURLs is `APIURL.JoinPath("api/v1/chat.postMessage").String()` for each api_url.
 *
 * @param apiURLs - the api_url texts.
 * @returns each URL (or `error: <Go's message>`).
 */
export function postMessageURLs(apiURLs: readonly string[]): string[] {
  return runGoProgram(ROCKETCHAT_ORACLE, ['url'], JSON.stringify(apiURLs)) as string[]
}

/** Judged is checkJSONResponseError's result: whether to retry and the error text ('' if none). */
export interface Judged {
  readonly retry: boolean
  readonly error: string
}

/**
 * judgeResponses runs checkJSONResponseError on each body.
 *
 * @param bodies - 2xx response bodies.
 * @returns each verdict.
 */
export function judgeResponses(bodies: readonly string[]): Judged[] {
  return runGoProgram(ROCKETCHAT_ORACLE, ['response'], JSON.stringify(bodies)) as Judged[]
}
