import { goQueryEscape } from '../../http/index.js'
import { groupKeyHash } from '../fields.js'
import type { FieldRenderer } from '../fields.js'

import type { SNSConfig } from './config.js'

/** SNS_API_VERSION is the Query API version aws-sdk-go's SNS client sends. */
export const SNS_API_VERSION = '2010-03-31'

/** SNS_CONTENT_TYPE is the Content-Type of aws-sdk-go's Query protocol requests. */
export const SNS_CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8'

/** SNS_TOPIC_MAX_BYTES is 0.25's limit for a message to a topic or target: 256 KiB. */
export const SNS_TOPIC_MAX_BYTES = 256 * 1024

/** SNS_SMS_MAX_BYTES is 0.25's limit for an SMS message (it counts bytes, not runes). */
export const SNS_SMS_MAX_BYTES = 1600

/** PublishInput is the rendered `sns.PublishInput` of one notification, values as bytes. */
export interface PublishInput {
  /** The form fields, names as aws-sdk-go's queryutil writes them. */
  readonly fields: ReadonlyMap<string, Buffer>
  /** Whether the message was cut to its limit (0.25 then adds a `truncated` attribute). */
  readonly truncated: boolean
}

/**
 * renderPublishInput is 0.25's createPublishInput (notify/sns/sns.go): the message attributes,
 * the destination (with the group key's hash as MessageGroupId and MessageDeduplicationId for a
 * `.fifo` topic), the message cut to 256 KiB (1600 bytes for SMS), and the subject, rendered in
 * 0.25's order so that after a template error the same later fields come out empty.
 *
 * @param config - the entry.
 * @param fields - the flush's fields (0.25's TmplText).
 * @param groupKey - the aggregation group's key.
 * @returns the input.
 * @throws Error `non utf8 encoded message string` as 0.25 (cannot happen from a JS string).
 */
export function renderPublishInput(
  config: SNSConfig,
  fields: FieldRenderer,
  groupKey: string
): PublishInput {
  const out = new Map<string, Buffer>()
  const set = (name: string, value: string | Buffer): void => {
    out.set(name, typeof value === 'string' ? Buffer.from(value, 'utf8') : value)
  }
  // 0.25 ranges over a Go map here, in random order; sorted keys keep ours stable. The SDK
  // sorts the entries by name anyway, so only the order of template errors could differ.
  const attributes = new Map<string, string>()
  for (const key of Object.keys(config.attributes ?? {}).sort()) {
    const name = fields.text(key)
    attributes.set(name, fields.text(config.attributes?.[key] ?? ''))
  }
  let limit = SNS_TOPIC_MAX_BYTES
  if ((config.topic_arn ?? '') !== '') {
    const topicARN = fields.text(config.topic_arn ?? '')
    set('TopicArn', topicARN)
    if (topicARN.endsWith('.fifo')) {
      const hash = groupKeyHash(groupKey)
      set('MessageDeduplicationId', hash)
      set('MessageGroupId', hash)
    }
  }
  if ((config.phone_number ?? '') !== '') {
    set('PhoneNumber', fields.text(config.phone_number ?? ''))
    limit = SNS_SMS_MAX_BYTES
  }
  if ((config.target_arn ?? '') !== '') {
    set('TargetArn', fields.text(config.target_arn ?? ''))
  }
  const message = Buffer.from(fields.text(config.message), 'utf8')
  // 0.25 copies the first `limit` bytes, so a rune may be cut in two; the SDK sends the bytes.
  const truncated = message.length > limit
  set('Message', truncated ? message.subarray(0, limit) : message)
  if (truncated) {
    attributes.set('truncated', 'true')
  }
  setAttributes(set, attributes)
  if (config.subject !== '') {
    set('Subject', fields.text(config.subject))
  }
  return { fields: out, truncated }
}

/**
 * setAttributes writes MessageAttributes as aws-sdk-go's queryutil does for a map: entries
 * sorted by name, numbered from 1; an empty (non-nil) map is the bare `MessageAttributes=`.
 */
function setAttributes(
  set: (name: string, value: string) => void,
  attributes: ReadonlyMap<string, string>
): void {
  if (attributes.size === 0) {
    set('MessageAttributes', '')
    return
  }
  const names = [...attributes.keys()].sort(compareBytes)
  names.forEach((name, i) => {
    const prefix = `MessageAttributes.entry.${i + 1}`
    set(`${prefix}.Name`, name)
    set(`${prefix}.Value.DataType`, 'String')
    set(`${prefix}.Value.StringValue`, attributes.get(name) ?? '')
  })
}

/**
 * encodePublishBody is the request body aws-sdk-go's query.Build sends: url.Values with
 * `Action=Publish` and the API version, encoded by Go's url.Values.Encode (keys sorted by
 * bytes, QueryEscape on every byte, so a rune cut by truncation is sent as its bytes).
 *
 * @param input - the rendered input.
 * @returns the body, ASCII only.
 */
export function encodePublishBody(input: PublishInput): string {
  const values = new Map<string, Buffer>(input.fields)
  values.set('Action', Buffer.from('Publish'))
  values.set('Version', Buffer.from(SNS_API_VERSION))
  return [...values.keys()]
    .sort(compareBytes)
    .map((key) => `${goQueryEscape(key)}=${goQueryEscape(values.get(key) ?? NO_BYTES)}`)
    .join('&')
}

/** NO_BYTES stands for a field without a value: it escapes to nothing. */
const NO_BYTES = new Uint8Array(0)

/** compareBytes orders strings as Go's sort.Strings does: by UTF-8 bytes. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}
