import { goQuote } from '../labels/index.js'

import { LABEL_NAME_RE } from './kinds.js'
import { parseTimeRange } from './time-interval.js'

/**
 * Struct validators run after a struct is decoded, in the order Go's `UnmarshalYAML` methods
 * run them (config/config.go, prometheus/common http_config.go, sigv4). The validators of
 * integration configs (config/notifiers.go) come with each integration's spec, see
 * integration-spec.ts.
 * Each receives the converted struct, may normalise it in place (as the Go code does, e.g.
 * canonical email headers or the Bearer authorization type) and throws an Error carrying
 * Alertmanager's message. A validator may return a replacement value.
 */

/** Obj is a converted struct. */
export type Obj = Record<string, unknown>

/** Check is one struct validator. */
export type Check = (o: Obj) => unknown

const q = goQuote
const str = (o: Obj, k: string): string => (typeof o[k] === 'string' ? o[k] : '')
const obj = (o: Obj, k: string): Obj | undefined =>
  typeof o[k] === 'object' && o[k] !== null && !Array.isArray(o[k]) ? (o[k] as Obj) : undefined
const strings = (o: Obj, k: string): string[] =>
  Array.isArray(o[k]) ? (o[k] as unknown[]).filter((v): v is string => typeof v === 'string') : []

function checkLabelNames(m: Obj | undefined): void {
  for (const k of Object.keys(m ?? {})) {
    if (!LABEL_NAME_RE.test(k)) {
      throw new Error(`invalid label name ${q(k)}`)
    }
  }
}

function route(o: Obj): void {
  checkLabelNames(obj(o, 'match'))
  let all = false
  const labels: string[] = []
  for (const l of strings(o, 'group_by')) {
    if (l === '...') {
      all = true
    } else if (!LABEL_NAME_RE.test(l)) {
      throw new Error(`invalid label name ${q(l)} in group_by list`)
    } else {
      labels.push(l)
    }
  }
  if (labels.length > 0 && all) {
    throw new Error('cannot have wildcard group_by (`...`) and other other labels at the same time')
  }
  const seen = new Set<string>()
  for (const l of labels) {
    if (seen.has(l)) {
      throw new Error(`duplicated label ${q(l)} in group_by`)
    }
    seen.add(l)
  }
  if (o['group_interval'] === 0) {
    throw new Error('group_interval cannot be zero')
  }
  if (o['repeat_interval'] === 0) {
    throw new Error('repeat_interval cannot be zero')
  }
}

function matchRe(o: Obj): void {
  for (const [k, v] of Object.entries(o)) {
    if (!LABEL_NAME_RE.test(k)) {
      throw new Error(`invalid label name ${q(k)}`)
    }
    if (v === null) {
      throw new Error(`invalid regexp value for ${q(k)}`)
    }
  }
}

function httpConfig(o: Obj): void {
  const bearer = str(o, 'bearer_token')
  const bearerFile = str(o, 'bearer_token_file')
  const basic = obj(o, 'basic_auth')
  const oauth2 = obj(o, 'oauth2')
  const auth = obj(o, 'authorization')
  if (bearer !== '' && bearerFile !== '') {
    throw new Error('at most one of bearer_token & bearer_token_file must be configured')
  }
  if ((basic !== undefined || oauth2 !== undefined) && (bearer !== '' || bearerFile !== '')) {
    throw new Error(
      'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured'
    )
  }
  if (basic !== undefined && str(basic, 'password') !== '' && str(basic, 'password_file') !== '') {
    throw new Error('at most one of basic_auth password & password_file must be configured')
  }
  if (auth !== undefined) {
    if (bearer !== '' || bearerFile !== '') {
      throw new Error('authorization is not compatible with bearer_token & bearer_token_file')
    }
    if (str(auth, 'credentials') !== '' && str(auth, 'credentials_file') !== '') {
      throw new Error(
        'at most one of authorization credentials & credentials_file must be configured'
      )
    }
    auth['type'] = str(auth, 'type').trim() || 'Bearer'
    if (str(auth, 'type').toLowerCase() === 'basic') {
      throw new Error('authorization type cannot be set to "basic", use "basic_auth" instead')
    }
    if (basic !== undefined || oauth2 !== undefined) {
      throw new Error('at most one of basic_auth, oauth2 & authorization must be configured')
    }
  } else {
    // The deprecated bearer_token fields become an Authorization header config.
    if (bearer !== '') {
      o['authorization'] = { type: 'Bearer', credentials: bearer }
      delete o['bearer_token']
    }
    if (bearerFile !== '') {
      o['authorization'] = { type: 'Bearer', credentials_file: bearerFile }
      delete o['bearer_token_file']
    }
  }
  if (oauth2 !== undefined) {
    if (basic !== undefined) {
      throw new Error('at most one of basic_auth, oauth2 & authorization must be configured')
    }
    if (str(oauth2, 'client_id') === '') {
      throw new Error('oauth2 client_id must be configured')
    }
    const secret = str(oauth2, 'client_secret')
    const secretFile = str(oauth2, 'client_secret_file')
    if (secret === '' && secretFile === '') {
      throw new Error('either oauth2 client_secret or client_secret_file must be configured')
    }
    if (str(oauth2, 'token_url') === '') {
      throw new Error('oauth2 token_url must be configured')
    }
    if (secret !== '' && secretFile !== '') {
      throw new Error('at most one of oauth2 client_secret & client_secret_file must be configured')
    }
  }
  const pch = obj(o, 'proxy_connect_header')
  if (pch !== undefined && Object.keys(pch).length > 0 && o['proxy_url'] === undefined) {
    throw new Error('if proxy_connect_header is configured proxy_url must also be configured')
  }
}

/** canonicalHeaderKey is Go's textproto.CanonicalMIMEHeaderKey. */
export function canonicalHeaderKey(s: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s)) {
    return s
  }
  return s
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join('-')
}

const need =
  (field: string, message: string): Check =>
  (o) => {
    if (str(o, field) === '') {
      throw new Error(message)
    }
  }

/** CHECKS maps each `x-check` name to its validator. */
export const CHECKS: Readonly<Record<string, Check>> = {
  route,
  match_re: matchRe,
  inhibit_rule: (o) => {
    checkLabelNames(obj(o, 'source_match'))
    checkLabelNames(obj(o, 'target_match'))
  },
  receiver: need('name', 'missing name in receiver'),
  time_interval: need('name', 'missing name in time interval'),
  mute_time_interval: need('name', 'missing name in mute time interval'),
  time_range: (o) => parseTimeRange(str(o, 'start_time'), str(o, 'end_time')),
  http_config: httpConfig,
  sigv4: (o) => {
    if ((str(o, 'access_key') === '') !== (str(o, 'secret_key') === '')) {
      throw new Error(
        'must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config'
      )
    }
  },
}
