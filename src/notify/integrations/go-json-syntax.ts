/**
 * goJSONSyntaxError is the error encoding/json's Unmarshal reports for input that is not valid
 * JSON (Go 1.19 scanner.go: Unmarshal checks the whole input with checkValid before decoding),
 * in Go's words: `unexpected end of JSON input`, or `invalid character 'x' <context>` where the
 * character is the offending byte quoted as Go's quoteChar quotes it.
 *
 * @param input - the bytes to check.
 * @returns the message, or undefined for valid JSON.
 */
export function goJSONSyntaxError(input: Uint8Array): string | undefined {
  const scanner = new Scanner(input)
  try {
    scanner.value()
    scanner.space()
    if (scanner.pos < input.length) {
      scanner.fail('after top-level value')
    }
    return undefined
  } catch (err: unknown) {
    if (err instanceof SyntaxFailure) {
      return err.message
    }
    throw err
  }
}

/**
 * goUnmarshalSyntaxError is {@link goJSONSyntaxError} for a response body JSON.parse refused,
 * where the notifier decodes with json.Unmarshal.
 *
 * @param body - the body, as text.
 * @returns Go's message; a generic one should JSON.parse and Go's scanner ever disagree.
 */
export function goUnmarshalSyntaxError(body: string): string {
  return goJSONSyntaxError(Buffer.from(body, 'utf8')) ?? 'invalid JSON in response'
}

/** FirstJSONValue is what json.Decoder.Decode makes of a stream's first value. */
export type FirstJSONValue =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: string }

/**
 * decodeFirstJSONValue reads the first JSON value of a body as json.Decoder.Decode does
 * (Go 1.19 stream.go readValue): what follows the value is never read, an empty body is `EOF`,
 * a value the body cuts short is `unexpected EOF`, and a bad byte inside it is the scanner's
 * syntax error.
 *
 * @param body - the body, as text.
 * @returns the value, or encoding/json's error.
 */
export function decodeFirstJSONValue(body: string): FirstJSONValue {
  const input = Buffer.from(body, 'utf8')
  const scanner = new Scanner(input)
  scanner.space()
  const start = scanner.pos
  if (start === input.length) {
    return { kind: 'error', error: 'EOF' }
  }
  try {
    scanner.value()
  } catch (err: unknown) {
    if (!(err instanceof SyntaxFailure)) {
      throw err
    }
    // At the end of the body Go feeds the scanner a space and, if that does not end the
    // value, reports io.ErrUnexpectedEOF instead of the scanner's complaint.
    return { kind: 'error', error: scanner.pos >= input.length ? 'unexpected EOF' : err.message }
  }
  const text = input.subarray(start, scanner.pos).toString('utf8')
  return { kind: 'value', value: JSON.parse(text) as unknown }
}

/** SyntaxFailure is an internal signal caught in this file: a plain Error (test/unit/util/errors.test.ts). */
class SyntaxFailure extends Error {}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39
const isHex = (c: number): boolean =>
  isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)

/**
 * quoteChar is scanner.go's quoteChar: `'\''` and `'"'` spelled out, else strconv.Quote of the
 * byte taken as a rune (so 0xC3 shows as 'Ã'), in single quotes.
 */
function quoteChar(c: number): string {
  if (c === 0x27) {
    return "'\\''"
  }
  if (c === 0x22) {
    return `'"'`
  }
  const ch = String.fromCharCode(c)
  const short: Readonly<Record<string, string>> = {
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
    '\\': '\\\\',
  }
  const known = short[ch]
  if (known !== undefined) {
    return `'${known}'`
  }
  // Control characters, the C1 range, U+00A0 and U+00AD are not printable for strconv.Quote.
  if (c < 0x20 || c === 0x7f) {
    return `'\\x${c.toString(16).padStart(2, '0')}'`
  }
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) {
    return `'\\u00${c.toString(16).padStart(2, '0')}'`
  }
  return `'${ch}'`
}

/** Scanner walks the input as Go's state machine does, failing with its messages. */
class Scanner {
  readonly #in: Uint8Array
  pos = 0

  constructor(input: Uint8Array) {
    this.#in = input
  }

  fail(context: string): never {
    throw new SyntaxFailure(`invalid character ${quoteChar(this.#in[this.pos] ?? 0x20)} ${context}`)
  }

  /**
   * peekOrSpace is the byte at pos, or at the end the space Go's scanner.eof feeds to the state
   * it stopped in: inside a literal, an escape or an unfinished number that space is the
   * offending character, not the end of the input.
   */
  #peekOrSpace(): number {
    return this.#in[this.pos] ?? 0x20
  }

  /** peek is the byte at pos, failing with `unexpected end of JSON input` past the end. */
  #peek(): number {
    const c = this.#in[this.pos]
    if (c === undefined) {
      throw new SyntaxFailure('unexpected end of JSON input')
    }
    return c
  }

  space(): void {
    while (this.pos < this.#in.length && isSpace(this.#in[this.pos] ?? 0)) {
      this.pos++
    }
  }

  value(): void {
    this.space()
    const c = this.#peek()
    switch (c) {
      case 0x7b: // {
        this.pos++
        this.#object()
        return
      case 0x5b: // [
        this.pos++
        this.#array()
        return
      case 0x22: // "
        this.pos++
        this.#string()
        return
      case 0x74: // t
        this.#literal('true')
        return
      case 0x66: // f
        this.#literal('false')
        return
      case 0x6e: // n
        this.#literal('null')
        return
      default:
        if (c === 0x2d || isDigit(c)) {
          this.#number()
          return
        }
        this.fail('looking for beginning of value')
    }
  }

  #object(): void {
    this.space()
    if (this.#peek() === 0x7d) {
      this.pos++
      return
    }
    for (;;) {
      if (this.#peek() !== 0x22) {
        this.fail('looking for beginning of object key string')
      }
      this.pos++
      this.#string()
      this.space()
      if (this.#peek() !== 0x3a) {
        this.fail('after object key')
      }
      this.pos++
      this.value()
      this.space()
      const c = this.#peek()
      if (c === 0x7d) {
        this.pos++
        return
      }
      if (c !== 0x2c) {
        this.fail('after object key:value pair')
      }
      this.pos++
      this.space()
    }
  }

  #array(): void {
    this.space()
    if (this.#peek() === 0x5d) {
      this.pos++
      return
    }
    for (;;) {
      this.value()
      this.space()
      const c = this.#peek()
      if (c === 0x5d) {
        this.pos++
        return
      }
      if (c !== 0x2c) {
        this.fail('after array element')
      }
      this.pos++
    }
  }

  /** string continues after the opening quote. */
  #string(): void {
    for (;;) {
      const c = this.#peek()
      if (c === 0x22) {
        this.pos++
        return
      }
      if (c < 0x20) {
        this.fail('in string literal')
      }
      this.pos++
      if (c === 0x5c) {
        const e = this.#peekOrSpace()
        if (e === 0x75) {
          this.pos++
          for (let i = 0; i < 4; i++) {
            if (!isHex(this.#peekOrSpace())) {
              this.fail('in \\u hexadecimal character escape')
            }
            this.pos++
          }
        } else if ('"\\/bfnrt'.includes(String.fromCharCode(e))) {
          this.pos++
        } else {
          this.fail('in string escape code')
        }
      }
    }
  }

  #literal(word: string): void {
    this.pos++
    for (const expected of word.slice(1)) {
      if (this.#peekOrSpace() !== expected.charCodeAt(0)) {
        this.fail(`in literal ${word} (expecting '${expected}')`)
      }
      this.pos++
    }
  }

  /** number follows scanner.go's states; a number may end the input (Go's EOF flush). */
  #number(): void {
    const at = (): number | undefined => this.#in[this.pos]
    if (at() === 0x2d) {
      this.pos++
      if (!isDigit(this.#peekOrSpace())) {
        this.fail('in numeric literal')
      }
    }
    if (at() === 0x30) {
      this.pos++
    } else {
      while (at() !== undefined && isDigit(at() ?? 0)) {
        this.pos++
      }
    }
    if (at() === 0x2e) {
      this.pos++
      if (!isDigit(this.#peekOrSpace())) {
        this.fail('after decimal point in numeric literal')
      }
      while (at() !== undefined && isDigit(at() ?? 0)) {
        this.pos++
      }
    }
    if (at() === 0x65 || at() === 0x45) {
      this.pos++
      if (this.#peekOrSpace() === 0x2b || this.#peekOrSpace() === 0x2d) {
        this.pos++
      }
      if (!isDigit(this.#peekOrSpace())) {
        this.fail('in exponent of numeric literal')
      }
      while (at() !== undefined && isDigit(at() ?? 0)) {
        this.pos++
      }
    }
  }
}
