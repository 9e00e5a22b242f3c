/**
 * The template executor, a port of Go 1.19 text/template/exec.go over the value model of
 * value.ts: the same evaluation order, truth rules, argument checks and error messages.
 */
import { AlertmeshError } from '../../../util/index.js'

import { sprint, sprintf, sortedMapEntries } from './fmt.js'
import { BUILTINS, canBeNil, goodFunc, indirect, isTrue, printableValue, truth } from './funcs.js'
import { NodeType, errorContext } from './node.js'
import type {
  BranchLike,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  RangeNode,
  TemplateNode,
  VariableNode,
} from './node.js'
import { quoteWith } from './strconv.js'
import {
  BOOL,
  FLOAT64,
  GoAddrBox,
  GoBox,
  GoIface,
  INT,
  REFLECT_VALUE,
  STRING,
  addrOf,
  addressable,
  assignableTo,
  elemValue,
  intPayload,
  isFloatKind,
  isIntKind,
  isUintKind,
  listOf,
  mapGet,
  payload,
  typeOf,
  unboxIface,
  zeroValue,
} from './value.js'
import type { GoFunc, GoType, GoValue, MapKey } from './value.js'

/** MissingKey is the `missingkey` option: what a missing map key yields. */
export type MissingKey = 'invalid' | 'zero' | 'error'

/** ExecTemplate is what the executor needs of a template (Go's *Template). */
export interface ExecTemplate {
  readonly name: string
  readonly root: ListNode | undefined
  lookupTemplate(name: string): ExecTemplate | undefined
  findFunction(name: string): GoFunc | undefined
  readonly missingKey: MissingKey
}

/** ExecError is a template execution error; its message is Go's, location and all. */
export class ExecError extends AlertmeshError {
  override name = 'ExecError'
  /**
   * output is what the template wrote before it failed: Go's Execute leaves it in the buffer,
   * and Alertmanager 0.25's ExecuteTextString/ExecuteHTMLString return it with the error, so a
   * notifier that ignores the error (0.25's Telegram) sends it.
   */
  output = ''
  /**
   * ExecError's constructor records the template name.
   *
   * @param templateName - the template that was executing.
   * @param message - Go's message.
   */
  constructor(
    readonly templateName: string,
    message: string
  ) {
    super('AM_TEMPLATE_EXEC', message)
  }
}

/** MAX_EXEC_DEPTH is Go's limit on nested template invocations. */
export const MAX_EXEC_DEPTH = 100000

/** MISSING is Go's missingVal: no final value from a previous pipeline stage (compared by identity). */
const MISSING = new GoBox(BOOL, Symbol('missing'))

/**
 * WalkSignal unwinds a range for {{break}} and {{continue}}, as Go's walkBreak/walkContinue.
 * Internal signal caught in this file: a plain Error (test/unit/util/errors.test.ts).
 */
class WalkSignal extends Error {}
const BREAK = new WalkSignal('break')
const CONTINUE = new WalkSignal('continue')

interface Variable {
  name: string
  value: GoValue
}

/** State is one execution in progress. */
class State {
  tmpl: ExecTemplate
  out = ''
  node: Node | undefined
  vars: Variable[]
  depth = 0

  constructor(tmpl: ExecTemplate, data: GoValue) {
    this.tmpl = tmpl
    this.vars = [{ name: '$', value: data }]
  }

  errorf(message: string): never {
    const name = this.tmpl.name
    if (this.node === undefined) {
      throw new ExecError(name, `template: ${name}: ${message}`)
    }
    const { location, context } = errorContext(this.node)
    throw new ExecError(
      name,
      `template: ${location}: executing ${quoteWith(name, false)} at <${context}>: ${message}`
    )
  }

  setVar(name: string, value: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable
      if (v.name === name) {
        v.value = value
        return
      }
    }
    this.errorf(`undefined variable: ${name}`)
  }

  varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable
      if (v.name === name) {
        return v.value
      }
    }
    this.errorf(`undefined variable: ${name}`)
  }

  walk(dot: GoValue, node: Node): void {
    this.node = node
    switch (node.type) {
      case NodeType.Action: {
        const val = this.evalPipeline(dot, node.pipe)
        if (node.pipe.decl.length === 0) {
          this.printValue(node, val)
        }
        return
      }
      case NodeType.Break:
        throw BREAK
      case NodeType.Comment:
        return
      case NodeType.Continue:
        throw CONTINUE
      case NodeType.If:
        this.walkIfOrWith(false, dot, node)
        return
      case NodeType.List:
        for (const n of node.nodes) {
          this.walk(dot, n)
        }
        return
      case NodeType.Range:
        this.walkRange(dot, node)
        return
      case NodeType.Template:
        this.walkTemplate(dot, node)
        return
      case NodeType.Text:
        this.out += node.text
        return
      case NodeType.With:
        this.walkIfOrWith(true, dot, node)
        return
      default:
        this.errorf(`unknown node: ${node.toString()}`)
    }
  }

  /**
   * walkList walks a list's nodes. Bodies of if, with, range and template are walked here
   * rather than through walk's List case: one frame less per nesting level, which is what
   * bounds recursion through {{template}} in JS (see walkTemplate).
   */
  walkList(dot: GoValue, list: ListNode): void {
    // An indexed loop: for-of's iterator makes the frame bigger (910 levels instead of 1087).
    const nodes = list.nodes
    // eslint-disable-next-line @typescript-eslint/prefer-for-of -- see above
    for (let i = 0; i < nodes.length; i++) {
      this.walk(dot, nodes[i] as Node)
    }
  }

  walkIfOrWith(isWith: boolean, dot: GoValue, node: BranchLike): void {
    const mark = this.vars.length
    try {
      const val = this.evalPipeline(dot, node.pipe)
      const t = isTrue(val)
      if (!t.ok) {
        this.errorf(`if/with can't use ${sprintf('%v', [val])}`)
      }
      if (t.truth) {
        this.walkList(isWith ? val : dot, node.list)
      } else if (node.elseList !== undefined) {
        this.walkList(dot, node.elseList)
      }
    } finally {
      this.vars.length = mark
    }
  }

  walkRange(dot: GoValue, r: RangeNode): void {
    this.node = r
    const mark0 = this.vars.length
    try {
      const ind = indirect(this.evalPipeline(dot, r.pipe))
      const val = ind.v
      const mark = this.vars.length
      const nDecl = r.pipe.decl.length
      const oneIteration = (index: GoValue, elem: GoValue): boolean => {
        if (nDecl > 0) {
          ;(this.vars[this.vars.length - 1] as Variable).value = elem
        }
        if (nDecl > 1) {
          ;(this.vars[this.vars.length - 2] as Variable).value = index
        }
        try {
          this.walkList(elem, r.list)
        } catch (e) {
          if (e === CONTINUE) {
            return true
          }
          throw e
        } finally {
          this.vars.length = mark
        }
        return true
      }
      const t = typeOf(val)
      const k = t?.kind
      if (k === 'array' || k === 'slice') {
        const items = listOf(val)
        if (items.length > 0) {
          const et = (t as GoType).elem as GoType
          // reflect's Index: slice elements are addressable, array elements if the array is.
          const addr = (k === 'slice' || ind.addr) && et.addrMatters
          for (let i = 0; i < items.length; i++) {
            const elem = elemValue(et, items[i])
            oneIteration(i, addr ? addressable(elem) : elem)
          }
          return
        }
      } else if (k === 'map') {
        const entries = sortedMapEntries(val)
        if (entries.length > 0) {
          const mt = t as GoType
          const kt = mt.key as GoType
          const et = mt.elem as GoType
          for (const [key, v] of entries) {
            oneIteration(keyValue(kt, key), elemValue(et, v))
          }
          return
        }
      } else if (k !== undefined && !(val instanceof GoIface)) {
        this.errorf(`range can't iterate over ${sprintf('%v', [val])}`)
      }
      if (r.elseList !== undefined) {
        this.walkList(dot, r.elseList)
      }
    } catch (e) {
      if (e !== BREAK) {
        throw e
      }
    } finally {
      this.vars.length = mark0
    }
  }

  walkTemplate(dot: GoValue, t: TemplateNode): void {
    this.node = t
    const tmpl = this.tmpl.lookupTemplate(t.name)
    if (tmpl === undefined) {
      this.errorf(`template ${quoteWith(t.name, false)} not defined`)
    }
    if (this.depth === MAX_EXEC_DEPTH) {
      this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`)
    }
    const newDot = this.evalPipeline(dot, t.pipe)
    const saved = { tmpl: this.tmpl, vars: this.vars }
    this.depth++
    this.tmpl = tmpl
    this.vars = [{ name: '$', value: newDot }]
    try {
      this.walkList(newDot, tmpl.root as ListNode)
    } catch (e) {
      if (e instanceof RangeError && !(e instanceof ExecError)) {
        // JS runs out of stack long before Go's 100000 nested templates: with node's default
        // stack (984 KiB) about 1080 levels of {{template}} recursion fit, 7900 with
        // --stack-size=7000 under an 8 MiB ulimit. Only runaway recursion gets that deep in
        // practice, and Go reports it at the same node. An explicit stack for the walker
        // would cost the common path; a worker with a larger stack cannot share the caller's
        // values (methods are JS closures) nor run synchronously.
        this.tmpl = saved.tmpl
        this.node = t
        this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`)
      }
      throw e
    } finally {
      this.depth--
      this.tmpl = saved.tmpl
      this.vars = saved.vars
    }
  }

  evalPipeline(dot: GoValue, pipe: PipeNode | undefined): GoValue {
    if (pipe === undefined) {
      return undefined
    }
    this.node = pipe
    let value: GoValue = MISSING
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value)
      // If the object has type interface{}, dig down one level to the thing inside.
      if (value instanceof GoIface && value.t.methods.size === 0) {
        value = value.v
      }
    }
    for (const variable of pipe.decl) {
      const name = variable.ident[0] as string
      if (pipe.isAssign) {
        this.setVar(name, value)
      } else {
        this.vars.push({ name, value })
      }
    }
    return value
  }

  notAFunction(args: readonly Node[], final: GoValue): void {
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${(args[0] as Node).toString()}`)
    }
  }

  evalCommand(dot: GoValue, cmd: CommandNode, final: GoValue): GoValue {
    const firstWord = cmd.args[0] as Node
    switch (firstWord.type) {
      case NodeType.Field:
        return this.evalFieldNode(dot, firstWord, cmd.args, final)
      case NodeType.Chain:
        return this.evalChainNode(dot, firstWord, cmd.args, final)
      case NodeType.Identifier:
        return this.evalFunction(dot, firstWord, cmd, cmd.args, final)
      case NodeType.Pipe:
        // Parenthesized pipeline. The arguments are all inside the pipeline; final must be absent.
        this.notAFunction(cmd.args, final)
        return this.evalPipeline(dot, firstWord)
      case NodeType.Variable:
        return this.evalVariableNode(dot, firstWord, cmd.args, final)
      default:
        break
    }
    this.node = firstWord
    this.notAFunction(cmd.args, final)
    switch (firstWord.type) {
      case NodeType.Bool:
        return firstWord.value
      case NodeType.Dot:
        return dot
      case NodeType.Nil:
        return this.errorf('nil is not a command')
      case NodeType.Number:
        return this.idealConstant(firstWord)
      case NodeType.String:
        return firstWord.text
      default:
        this.errorf(`can't evaluate command ${quoteWith(firstWord.toString(), false)}`)
    }
  }

  idealConstant(constant: NumberNode): GoValue {
    this.node = constant
    const text = constant.text
    if (constant.isComplex) {
      this.errorf(`complex constants are not supported: ${text}`)
    }
    if (constant.isFloat && !isHexInt(text) && !text.startsWith("'") && /[.eEpP]/.test(text)) {
      return new GoBox(FLOAT64, constant.float64)
    }
    if (constant.isInt) {
      // An int beyond 2^53 stays exact as an int box with a bigint payload.
      const v = intPayload(constant.int64, 'int')
      return typeof v === 'number' ? v : new GoBox(INT, v)
    }
    if (constant.isUint) {
      this.errorf(`${text} overflows int`)
    }
    return undefined
  }

  evalFieldNode(dot: GoValue, field: FieldNode, args: readonly Node[], final: GoValue): GoValue {
    this.node = field
    return this.evalFieldChain(dot, dot, field, field.ident, 0, args, final)
  }

  evalChainNode(
    dot: GoValue,
    chain: ChainNode,
    args: readonly Node[] | undefined,
    final: GoValue
  ): GoValue {
    this.node = chain
    if (chain.field.length === 0) {
      this.errorf('internal error: no fields in evalChainNode')
    }
    if (chain.node.type === NodeType.Nil) {
      this.errorf(`indirection through explicit nil in ${chain.toString()}`)
    }
    // (pipe).Field1.Field2 has pipe as .Node, fields as .Field. Eval the pipeline, then the fields.
    const pipe = this.evalArg(dot, undefined, chain.node)
    return this.evalFieldChain(dot, pipe, chain, chain.field, 0, args, final)
  }

  evalVariableNode(
    dot: GoValue,
    variable: VariableNode,
    args: readonly Node[] | undefined,
    final: GoValue
  ): GoValue {
    // $x.Field has $x as the first ident, Field as the second. Eval the var, then the fields.
    this.node = variable
    const value = this.varValue(variable.ident[0] as string)
    if (variable.ident.length === 1) {
      this.notAFunction(args ?? [], final)
      return value
    }
    return this.evalFieldChain(dot, value, variable, variable.ident, 1, args, final)
  }

  evalFieldChain(
    dot: GoValue,
    receiverIn: GoValue,
    node: Node,
    ident: readonly string[],
    from: number,
    args: readonly Node[] | undefined,
    final: GoValue
  ): GoValue {
    let receiver = receiverIn
    const n = ident.length
    for (let i = from; i < n - 1; i++) {
      receiver = this.evalField(dot, ident[i] as string, node, undefined, MISSING, receiver)
    }
    // Now if it's a method, it gets the arguments.
    return this.evalField(dot, ident[n - 1] as string, node, args, final, receiver)
  }

  evalFunction(
    dot: GoValue,
    node: IdentifierNode,
    cmd: Node,
    args: readonly Node[] | undefined,
    final: GoValue
  ): GoValue {
    this.node = node
    const name = node.ident
    const user = this.tmpl.findFunction(name)
    const f = user ?? BUILTINS.get(name)
    if (f === undefined) {
      this.errorf(`${quoteWith(name, false)} is not a defined function`)
    }
    return this.evalCall(dot, f, user === undefined, undefined, cmd, name, args, final)
  }

  evalField(
    dot: GoValue,
    fieldName: string,
    node: Node,
    args: readonly Node[] | undefined,
    final: GoValue,
    receiverIn: GoValue
  ): GoValue {
    if (receiverIn === undefined || receiverIn === null) {
      if (this.tmpl.missingKey === 'error') {
        // Treat invalid value as missing map key.
        this.errorf(`nil data; no entry for key ${quoteWith(fieldName, false)}`)
      }
      return undefined
    }
    const typ = typeOf(receiverIn) as GoType
    const ind = indirect(receiverIn)
    const receiver = ind.v
    if (receiver instanceof GoIface && ind.isNil) {
      // Calling a method on a nil interface can't work. The Go code uses a nil receiver.
      this.errorf(`nil pointer evaluating ${typ.name}.${fieldName}`)
    }
    // Unless it's an interface, need to get to a value of type *T to guarantee we see all
    // methods of both T and *T.
    const rt = typeOf(receiver) as GoType
    let method: GoFunc | undefined
    let self: GoValue = receiver
    if (ind.ptr !== undefined && !ind.isNil) {
      method = ind.ptr.t.methods.get(fieldName)
      if (method !== undefined && ind.ptr.t.elem?.ptrMethods.has(fieldName) === true) {
        self = ind.ptr
      }
    } else {
      method = rt.methods.get(fieldName)
      if (method === undefined && receiver instanceof GoAddrBox) {
        // exec.go evalField: `if ptr.CanAddr() { ptr = ptr.Addr() }` finds *T's methods.
        method = rt.ptrMethods.get(fieldName)
        if (method !== undefined) {
          self = addrOf(receiver)
        }
      }
    }
    if (method !== undefined) {
      return this.evalCall(dot, method, false, self, node, fieldName, args, final)
    }
    const hasArgs = (args !== undefined && args.length > 1) || final !== MISSING
    // It's not a method; must be a field of a struct or an element of a map.
    switch (rt.kind) {
      case 'struct': {
        const idx = rt.fieldIndex.get(fieldName)
        if (idx !== undefined) {
          const f = rt.fields[idx] as { name: string; type: GoType }
          if (!/^\p{Lu}/u.test(fieldName)) {
            this.errorf(`${fieldName} is an unexported field of struct type ${typ.name}`)
          }
          if (hasArgs) {
            this.errorf(`${fieldName} has arguments but cannot be invoked as function`)
          }
          const field = elemValue(f.type, (payload(receiver) as GoValue[])[idx])
          // A field of an addressable struct is addressable (reflect's Field).
          return ind.addr ? addressable(field) : field
        }
        break
      }
      case 'map': {
        // If it's a map, attempt to use the field name as a key.
        if (assignableTo(STRING, rt.key as GoType)) {
          if (hasArgs) {
            this.errorf(`${fieldName} is not a method but has arguments`)
          }
          const got = mapGet(receiver, fieldName)
          if (!got.found) {
            switch (this.tmpl.missingKey) {
              case 'invalid':
                return undefined
              case 'zero':
                return zeroValue(rt.elem as GoType)
              case 'error':
                this.errorf(`map has no entry for key ${quoteWith(fieldName, false)}`)
            }
          }
          return elemValue(rt.elem as GoType, got.value)
        }
        break
      }
      case 'ptr': {
        const etyp = rt.elem as GoType
        if (etyp.kind === 'struct' && !etyp.fieldIndex.has(fieldName)) {
          // If there's no such field, fall into the "can't evaluate field" error below.
          break
        }
        if (ind.isNil) {
          this.errorf(`nil pointer evaluating ${typ.name}.${fieldName}`)
        }
        break
      }
      default:
        break
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ.name}`)
  }

  evalCall(
    dot: GoValue,
    fun: GoFunc,
    isBuiltin: boolean,
    self: GoValue,
    node: Node,
    name: string,
    argNodes: readonly Node[] | undefined,
    final: GoValue
  ): GoValue {
    // Zeroth arg is function name/node; not passed to function.
    const args = argNodes === undefined ? [] : argNodes.slice(1)
    const numParams = fun.params.length
    let numIn = args.length
    if (final !== MISSING) {
      numIn++
    }
    let numFixed = args.length
    if (fun.variadic) {
      numFixed = numParams - 1 // last arg is the variadic one.
      if (numIn < numFixed) {
        this.errorf(
          `wrong number of args for ${name}: want at least ${numParams - 1} got ${args.length}`
        )
      }
    } else if (numIn !== numParams) {
      this.errorf(`wrong number of args for ${name}: want ${numParams} got ${numIn}`)
    }
    if (!goodFunc(fun)) {
      this.errorf(
        `can't call method/function ${quoteWith(name, false)} with ${fun.results.length} results`
      )
    }
    // Special case for builtin and/or, which short-circuit.
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: GoValue
      for (const arg of args) {
        v = this.evalArg(dot, REFLECT_VALUE, arg)
        if (truth(v) === (name === 'or')) {
          // This value was already unwrapped by the .Interface().(reflect.Value).
          return v
        }
      }
      if (final !== MISSING) {
        v = this.validateType(final, REFLECT_VALUE)
      }
      return v
    }
    const argv: GoValue[] = new Array<GoValue>(numIn)
    const params = fun.params
    let i = 0
    for (; i < numFixed && i < args.length; i++) {
      argv[i] = this.evalArg(dot, params[i], args[i] as Node)
    }
    if (fun.variadic) {
      const argType = (params[numParams - 1] as GoType).elem as GoType
      for (; i < args.length; i++) {
        argv[i] = this.evalArg(dot, argType, args[i] as Node)
      }
    }
    if (final !== MISSING) {
      let t = params[numParams - 1] as GoType
      if (fun.variadic) {
        if (numIn - 1 < numFixed) {
          // The added final argument corresponds to a fixed parameter of the function.
          t = params[numIn - 1] as GoType
        } else {
          t = t.elem as GoType
        }
      }
      argv[i] = this.validateType(final, t)
    }
    // Interface parameters receive the dynamic value, as Go's call converts to `any`.
    for (let j = 0; j < argv.length; j++) {
      const a = argv[j]
      if (a instanceof GoIface) {
        const pt =
          j < numParams - (fun.variadic ? 1 : 0)
            ? params[j]
            : (params[numParams - 1] as GoType).elem
        if (pt !== REFLECT_VALUE) {
          argv[j] = unboxIface(a)
        }
      }
    }
    let v: GoValue
    try {
      v = self === undefined ? fun.fn(...argv) : fun.fn(self, ...argv)
    } catch (e) {
      if (e === BREAK || e === CONTINUE || e instanceof ExecError) {
        throw e
      }
      this.node = node
      this.errorf(`error calling ${name}: ${e instanceof Error ? e.message : sprint([String(e)])}`)
    }
    const rt = fun.results[0] as GoType
    if (v instanceof GoAddrBox && rt !== REFLECT_VALUE) {
      // A Go function returns a copy; only a builtin's reflect.Value result (index) keeps
      // the addressability of what it reached.
      v = new GoBox(v.t, v.v)
    }
    if (rt.kind === 'interface' && !(v instanceof GoIface)) {
      return new GoIface(rt, v)
    }
    return v
  }

  validateType(value: GoValue, typ: GoType | undefined): GoValue {
    if (value === undefined || value === null) {
      if (typ === undefined) {
        // An untyped nil interface{}. Accept as a proper nil value.
        return undefined
      }
      if (canBeNil(typ)) {
        // Like above, but use the zero value of the non-nil type.
        return typ === REFLECT_VALUE ? undefined : zeroValue(typ)
      }
      this.errorf(`invalid value; expected ${typ.name}`)
    }
    if (typ === undefined || typ === REFLECT_VALUE) {
      return value
    }
    let v = value
    const vt = typeOf(v) as GoType
    if (!assignableTo(vt, typ)) {
      if (v instanceof GoIface && v.v !== undefined && v.v !== null) {
        v = v.v
        if (assignableTo(typeOf(v) as GoType, typ)) {
          return v
        }
        // fallthrough
      }
      const t2 = typeOf(v) as GoType
      if (t2.kind === 'ptr' && t2.elem !== undefined && assignableTo(t2.elem, typ)) {
        const p = payload(v)
        if (p === null || p === undefined) {
          this.errorf(`dereference of nil pointer of type ${typ.name}`)
        }
        return p as GoValue
      }
      if (v instanceof GoAddrBox && assignableTo(t2.ptrTo(), typ)) {
        // exec.go validateType: `reflect.PointerTo(value.Type()).AssignableTo(typ) &&
        // value.CanAddr()` passes the address.
        return addrOf(v)
      }
      this.errorf(`wrong type for value; expected ${typ.name}; got ${t2.name}`)
    }
    return v
  }

  evalArg(dot: GoValue, typ: GoType | undefined, n: Node): GoValue {
    this.node = n
    switch (n.type) {
      case NodeType.Dot:
        return this.validateType(dot, typ)
      case NodeType.Nil:
        if (typ !== undefined && canBeNil(typ)) {
          return typ === REFLECT_VALUE ? undefined : zeroValue(typ)
        }
        return this.errorf(`cannot assign nil to ${typ?.name ?? '<nil>'}`)
      case NodeType.Field:
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ)
      case NodeType.Variable:
        return this.validateType(this.evalVariableNode(dot, n, undefined, MISSING), typ)
      case NodeType.Pipe:
        return this.validateType(this.evalPipeline(dot, n), typ)
      case NodeType.Identifier:
        return this.validateType(this.evalFunction(dot, n, n, undefined, MISSING), typ)
      case NodeType.Chain:
        return this.validateType(this.evalChainNode(dot, n, undefined, MISSING), typ)
      default:
        break
    }
    const t = typ as GoType
    const k = t.kind
    if (k === 'bool') {
      if (n.type === NodeType.Bool) {
        return t === BOOL ? n.value : new GoBox(t, n.value)
      }
      this.errorf(`expected bool; found ${n.toString()}`)
    }
    if (isFloatKind(k)) {
      if (n.type === NodeType.Number && n.isFloat) {
        return new GoBox(t, n.float64)
      }
      this.errorf(`expected float; found ${n.toString()}`)
    }
    if (isIntKind(k)) {
      if (n.type === NodeType.Number && n.isInt) {
        // exec.go evalInteger's SetInt truncates to the parameter's size.
        const v = intPayload(n.int64, k)
        return t === INT && typeof v === 'number' ? v : new GoBox(t, v)
      }
      this.errorf(`expected integer; found ${n.toString()}`)
    }
    if (k === 'interface' && t.methods.size === 0) {
      return this.evalEmptyInterface(dot, n)
    }
    if (t === REFLECT_VALUE) {
      return this.evalEmptyInterface(dot, n)
    }
    if (k === 'string') {
      if (n.type === NodeType.String) {
        return t === STRING ? n.text : new GoBox(t, n.text)
      }
      this.errorf(`expected string; found ${n.toString()}`)
    }
    if (isUintKind(k)) {
      if (n.type === NodeType.Number && n.isUint) {
        return new GoBox(t, intPayload(n.uint64, k))
      }
      this.errorf(`expected unsigned integer; found ${n.toString()}`)
    }
    this.errorf(`can't handle ${n.toString()} for arg of type ${t.name}`)
  }

  evalEmptyInterface(dot: GoValue, n: Node): GoValue {
    this.node = n
    switch (n.type) {
      case NodeType.Bool:
        return n.value
      case NodeType.Dot:
        return dot
      case NodeType.Field:
        return this.evalFieldNode(dot, n, [n], MISSING)
      case NodeType.Identifier:
        return this.evalFunction(dot, n, n, undefined, MISSING)
      case NodeType.Nil:
        // NilNode is handled in evalArg, the only place that calls here.
        return this.errorf("evalEmptyInterface: nil (can't happen)")
      case NodeType.Number:
        return this.idealConstant(n)
      case NodeType.String:
        return n.text
      case NodeType.Variable:
        return this.evalVariableNode(dot, n, undefined, MISSING)
      case NodeType.Pipe:
        return this.evalPipeline(dot, n)
      default:
        this.errorf(`can't handle assignment of ${n.toString()} to empty interface argument`)
    }
  }

  printValue(n: Node, v: GoValue): void {
    this.node = n
    const p = printableValue(v)
    if (!p.ok) {
      this.errorf(`can't print ${n.toString()} of type ${(typeOf(v) as GoType).name}`)
    }
    const x = p.value
    this.out += typeof x === 'string' ? x : sprint([x])
  }
}

function isHexInt(s: string): boolean {
  return s.length > 2 && s.startsWith('0') && (s[1] === 'x' || s[1] === 'X') && !/[pP]/.test(s)
}

function keyValue(t: GoType, k: MapKey): GoValue {
  if (t.kind === 'interface') {
    return new GoIface(t, k)
  }
  if ((t === STRING && typeof k === 'string') || (t === INT && typeof k === 'number')) {
    return k
  }
  if (t === BOOL && typeof k === 'boolean') {
    return k
  }
  return new GoBox(t, k)
}

/**
 * execute runs a template with data and returns the output (Go's Template.execute).
 *
 * @param tmpl - the template.
 * @param data - dot and `$`.
 * @returns the output.
 * @throws ExecError with Go's message.
 */
export function execute(tmpl: ExecTemplate, data: GoValue): string {
  const state: State = new State(tmpl, data)
  const root = tmpl.root
  if (root === undefined) {
    state.errorf(`${quoteWith(tmpl.name, false)} is an incomplete or empty template`)
  }
  try {
    state.walk(data, root)
  } catch (err: unknown) {
    if (err instanceof ExecError) {
      err.output = state.out
    }
    throw err
  }
  return state.out
}
