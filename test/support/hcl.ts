// A parser for the subset of HCL that the Consul deployment files under consul/ use (agent
// configs, the service reference, ACL policies): attributes, blocks with string labels, lists
// and `{ k = v }` objects. No consul binary can be installed on the test machines, so
// `consul validate` is out of reach and this parser stands in for the syntax check; anything
// outside the subset is refused with its line number rather than guessed at.
import assert from 'node:assert/strict'

/** HclValue is an attribute value: string, number, bool, list or `{ k = v }` object. */
export type HclValue = string | number | boolean | readonly HclValue[] | HclObject
/** HclObject is a `{ k = v }` object value. */
export interface HclObject {
  readonly [key: string]: HclValue
}

/** HclBody is a file or a block body: attributes and nested blocks, in order. */
export interface HclBody {
  readonly attributes: ReadonlyMap<string, HclValue>
  readonly blocks: readonly HclBlock[]
}

/** HclBlock is a block: its type, string labels, body and the line it starts on. */
export interface HclBlock {
  readonly type: string
  readonly labels: readonly string[]
  readonly body: HclBody
  readonly line: number
}

type Token =
  | { readonly kind: 'ident' | 'string' | 'number'; readonly text: string; readonly line: number }
  | { readonly kind: '{' | '}' | '[' | ']' | '=' | ',' | 'nl' | 'eof'; readonly line: number }

/**
 * tokenize splits HCL into tokens. Comments (`#`, `//`, `/* *\/`) are dropped; tabs, carriage
 * returns, unterminated strings, strings across lines and `${` interpolation are refused, since
 * none of them belongs in these files.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let line = 1
  let i = 0
  // A declaration, so that TypeScript knows the code after a call to it is unreachable.
  function fail(why: string): never {
    throw new Error(`line ${line}: ${why}`)
  }
  while (i < text.length) {
    const c = text[i] as string
    if (c === '\t' || c === '\r') {
      fail('tab or carriage return')
    }
    if (c === ' ') {
      i++
    } else if (c === '\n') {
      tokens.push({ kind: 'nl', line })
      line++
      i++
    } else if (c === '#' || text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') {
        i++
      }
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2)
      if (end < 0) {
        fail('unterminated /* comment')
      }
      line += text.slice(i, end).split('\n').length - 1
      i = end + 2
    } else if (c === '"') {
      let value = ''
      i++
      for (;;) {
        const d = text[i]
        if (d === undefined || d === '\n') {
          fail('unterminated string')
        } else if (d === '"') {
          i++
          break
        } else if (d === '\\') {
          const e = text[i + 1]
          if (e !== '"' && e !== '\\' && e !== 'n') {
            fail(`unsupported escape \\${e ?? ''}`)
          }
          value += e === 'n' ? '\n' : e
          i += 2
        } else if (text.startsWith('${', i)) {
          fail('interpolation ${...}')
        } else {
          value += d
          i++
        }
      }
      tokens.push({ kind: 'string', text: value, line })
    } else if ('{}[]=,'.includes(c)) {
      tokens.push({ kind: c as '{' | '}' | '[' | ']' | '=' | ',', line })
      i++
    } else {
      const m = /^(-?\d+(?:\.\d+)?(?![\w-])|[A-Za-z_][\w-]*)/.exec(text.slice(i))
      if (m === null) {
        fail(`unexpected ${JSON.stringify(c)}`)
      }
      const word = m[1] as string
      tokens.push({ kind: /^-?\d/.test(word) ? 'number' : 'ident', text: word, line })
      i += word.length
    }
  }
  tokens.push({ kind: 'eof', line })
  return tokens
}

/**
 * parseHcl parses the subset: attributes, blocks with string labels, lists and objects, one
 * attribute or block per line.
 *
 * @param text - the file's text.
 * @returns the top-level body.
 * @throws Error naming the line, for anything outside the subset.
 */
export function parseHcl(text: string): HclBody {
  const tokens = tokenize(text)
  let pos = 0
  const peek = (): Token => tokens[pos] as Token
  const next = (): Token => tokens[pos++] as Token
  const fail = (t: Token, why: string): never => {
    throw new Error(`line ${t.line}: ${why}`)
  }
  const skipNewlines = (): void => {
    while (peek().kind === 'nl') {
      pos++
    }
  }
  const value = (): HclValue => {
    const t = next()
    switch (t.kind) {
      case 'string':
        return t.text
      case 'number':
        return Number(t.text)
      case 'ident':
        if (t.text === 'true' || t.text === 'false') {
          return t.text === 'true'
        }
        return fail(t, `bare word ${t.text} is not a value`)
      case '[': {
        const items: HclValue[] = []
        for (;;) {
          skipNewlines()
          if (peek().kind === ']') {
            pos++
            return items
          }
          items.push(value())
          skipNewlines()
          const sep = next()
          if (sep.kind === ']') {
            return items
          }
          if (sep.kind !== ',') {
            fail(sep, 'expected , or ] in a list')
          }
        }
      }
      case '{': {
        const object: Record<string, HclValue> = {}
        for (;;) {
          skipNewlines()
          const k = next()
          if (k.kind === '}') {
            return object
          }
          if (k.kind !== 'ident' && k.kind !== 'string') {
            return fail(k, 'expected a key in an object')
          }
          if (next().kind !== '=') {
            fail(k, `expected = after ${k.text}`)
          }
          if (k.text in object) {
            fail(k, `duplicate key ${k.text}`)
          }
          object[k.text] = value()
          if (peek().kind === ',') {
            pos++
          }
        }
      }
      default:
        return fail(t, `expected a value, got ${t.kind}`)
    }
  }
  const body = (nested: boolean): HclBody => {
    const attributes = new Map<string, HclValue>()
    const blocks: HclBlock[] = []
    for (;;) {
      skipNewlines()
      const t = next()
      if (t.kind === (nested ? '}' : 'eof')) {
        return { attributes, blocks }
      }
      if (t.kind !== 'ident') {
        return fail(t, `expected an attribute or block name, got ${t.kind}`)
      }
      if (peek().kind === '=') {
        pos++
        if (attributes.has(t.text)) {
          fail(t, `duplicate attribute ${t.text}`)
        }
        attributes.set(t.text, value())
      } else {
        const labels: string[] = []
        while (peek().kind === 'string') {
          const label = next()
          labels.push(label.kind === 'string' ? label.text : '')
        }
        if (next().kind !== '{') {
          fail(t, `expected = or { after ${t.text}`)
        }
        blocks.push({ type: t.text, labels, body: body(true), line: t.line })
      }
      // One attribute or block per line, as HCL requires.
      const end = peek().kind
      if (end !== 'nl' && end !== 'eof' && end !== '}') {
        fail(peek(), `expected a new line after ${t.text}`)
      }
    }
  }
  return body(false)
}

/**
 * block finds the one block of a type; none or several fail the test.
 *
 * @param body - where to look.
 * @param type - the block type, e.g. `acl`.
 * @returns the block's body.
 */
export function block(body: HclBody, type: string): HclBody {
  const found = body.blocks.filter((b) => b.type === type)
  assert.equal(found.length, 1, `exactly one ${type} block`)
  return (found[0] as HclBlock).body
}

/**
 * attr is an attribute's value, of any type.
 *
 * @param body - where to look.
 * @param name - the attribute.
 * @returns the value, or undefined when absent.
 */
export function attr(body: HclBody, name: string): HclValue | undefined {
  return body.attributes.get(name)
}

/**
 * str is a string attribute; anything else fails the test.
 *
 * @param from - the body.
 * @param name - the attribute.
 * @returns the string.
 */
export function str(from: HclBody, name: string): string {
  return asString(from.attributes.get(name), name)
}

/**
 * entry is a string entry of an object value; anything else fails the test.
 *
 * @param from - the object.
 * @param name - the key.
 * @returns the string.
 */
export function entry(from: HclObject, name: string): string {
  return asString(from[name], name)
}

function asString(value: HclValue | undefined, name: string): string {
  assert.ok(typeof value === 'string', `${name} is a string`)
  return value
}

/**
 * num is a number attribute; anything else fails the test.
 *
 * @param from - the body.
 * @param name - the attribute.
 * @returns the number.
 */
export function num(from: HclBody, name: string): number {
  const value = from.attributes.get(name)
  assert.equal(typeof value, 'number', `${name} is a number`)
  return value as number
}
