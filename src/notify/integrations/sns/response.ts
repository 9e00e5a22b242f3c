/**
 * SNS_SERVICE_UNAVAILABLE is the error aws-sdk-go's query protocol reads from a
 * `<ServiceUnavailableException>` answer.
 */
const SERVICE_UNAVAILABLE = 'ServiceUnavailableException'

/** UNMARSHAL_FAILED is aws-sdk-go's message when an error answer is not its XML. */
export const UNMARSHAL_FAILED = 'failed to unmarshal error message'

/** QueryError is what aws-sdk-go's query.UnmarshalError reads from a non-2xx answer. */
export interface QueryError {
  readonly code: string
  /** awserr's Message(), which 0.25 hands to Retrier.Check as the response's details. */
  readonly message: string
}

/**
 * readQueryError reads an AWS Query API error answer as aws-sdk-go's query.UnmarshalError does
 * (private/protocol/query/unmarshal_error.go): `<ErrorResponse><Error><Code>` and `<Message>`,
 * trimmed; a `<ServiceUnavailableException>` root; an answer with no element at all reads as
 * empty (Go's decoder reaches EOF); any other root element fails to unmarshal.
 *
 * @param body - the answer's body.
 * @returns the error's code and message.
 */
export function readQueryError(body: string): QueryError {
  const root = /<([A-Za-z_][\w.:-]*)[\s/>]/.exec(
    body.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, '')
  )
  if (root === null) {
    return body.includes('<')
      ? { code: 'SerializationError', message: UNMARSHAL_FAILED }
      : { code: '', message: '' }
  }
  const name = (root[1] ?? '').replace(/^.*:/, '')
  if (name === SERVICE_UNAVAILABLE) {
    return { code: SERVICE_UNAVAILABLE, message: 'service is unavailable' }
  }
  if (name !== 'ErrorResponse') {
    return { code: 'SerializationError', message: UNMARSHAL_FAILED }
  }
  const error = /<Error>([\s\S]*?)<\/Error>/.exec(body)?.[1] ?? ''
  return { code: element(error, 'Code'), message: element(error, 'Message') }
}

/**
 * readMessageID reads `PublishResult/MessageId` from a PublishResponse, for the debug log.
 *
 * @param body - the answer's body.
 * @returns the id, or '' without one.
 */
export function readMessageID(body: string): string {
  return element(/<PublishResult>([\s\S]*?)<\/PublishResult>/.exec(body)?.[1] ?? '', 'MessageId')
}

/** element is the trimmed, unescaped text of the first `<name>` in `xml`, else ''. */
function element(xml: string, name: string): string {
  const text = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1] ?? ''
  return unescapeXML(text).trim()
}

const ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
}

function unescapeXML(text: string): string {
  return text
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
      if (ref.startsWith('#x')) {
        return String.fromCodePoint(parseInt(ref.slice(2), 16))
      }
      if (ref.startsWith('#')) {
        return String.fromCodePoint(parseInt(ref.slice(1), 10))
      }
      return ENTITIES[ref] ?? whole
    })
}
