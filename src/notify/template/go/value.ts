/**
 * The Go value model templates see: a small stand-in for Go's reflect (Go 1.19 reflect/type.go,
 * reflect/value.go) with just what text/template and fmt look at: kinds, type names as Go
 * prints them, fields, methods, nil-ness and interface boxing.
 */

/** Kind is a Go reflect.Kind, spelled as reflect.Kind.String() prints it. */
export type Kind =
  | 'bool'
  | 'int'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'uintptr'
  | 'float32'
  | 'float64'
  | 'string'
  | 'slice'
  | 'array'
  | 'map'
  | 'struct'
  | 'ptr'
  | 'interface'
  | 'func'

/**
 * GoValue is a Go value as templates see it. Bare JS values stand for the Go types they map to
 * most naturally: `string` is Go `string`, `boolean` is `bool`, an integral `number` is `int`, a
 * JS array is `[]interface {}`, a plain object is `map[string]interface {}`, `null` and
 * `undefined` are the untyped nil (an invalid reflect.Value). Every other value is a
 * {@link GoBox} that names its type, or a {@link GoIface} (a value read through an interface).
 */
export type GoValue =
  | string
  | boolean
  | number
  | null
  | undefined
  | GoBox
  | GoIface
  | readonly GoValue[]
  | { readonly [key: string]: GoValue }

/**
 * GoFunc is a Go function or method signature with its JS implementation. An error result is
 * modelled by throwing: whatever `fn` throws becomes Go's `error calling NAME: MESSAGE`.
 */
export interface GoFunc {
  /** params are the parameter types; when variadic the last one is the slice type. */
  readonly params: readonly GoType[]
  /** variadic marks a final `...T` parameter. */
  readonly variadic: boolean
  /** results are the result types; Go templates accept one, or two with `error` last. */
  readonly results: readonly GoType[]
  /** fn implements the function; methods receive the receiver first. */
  readonly fn: (...args: GoValue[]) => GoValue
}

/** GoField is one struct field. */
export interface GoField {
  readonly name: string
  readonly type: GoType
}

/** GoTypeSpec describes a type for {@link GoType}'s constructor. */
export interface GoTypeSpec {
  readonly kind: Kind
  /** name is what Go prints for the type (`%T`, errors), e.g. `template.KV` or `[]string`. */
  readonly name: string
  /** named marks a defined type (as opposed to a type literal such as `[]string`). */
  readonly named?: boolean
  readonly elem?: GoType
  readonly key?: GoType
  readonly len?: number
  readonly fields?: readonly GoField[]
  /** methods is the method set; for interface types, the method names the interface requires. */
  readonly methods?: Readonly<Record<string, GoFunc>>
  /** ptrMethods are methods with pointer receivers, callable through a pointer to the type. */
  readonly ptrMethods?: Readonly<Record<string, GoFunc>>
}

/**
 * GoType is a Go type: its kind, the name Go prints for it, and the parts reflect exposes
 * (element and key types, struct fields, methods).
 */
export class GoType {
  readonly kind: Kind
  readonly name: string
  readonly named: boolean
  readonly elem: GoType | undefined
  readonly key: GoType | undefined
  readonly len: number
  readonly fields: readonly GoField[]
  readonly fieldIndex: ReadonlyMap<string, number>
  readonly methods: ReadonlyMap<string, GoFunc>
  readonly ptrMethods: ReadonlyMap<string, GoFunc>
  #ptr: GoType | undefined
  #addrMatters: boolean | undefined

  /**
   * GoType's constructor builds a type from its description.
   *
   * @param spec - kind, name and parts.
   */
  constructor(spec: GoTypeSpec) {
    this.kind = spec.kind
    this.name = spec.name
    this.named = spec.named ?? false
    this.elem = spec.elem
    this.key = spec.key
    this.len = spec.len ?? 0
    this.fields = spec.fields ?? []
    this.fieldIndex = new Map(this.fields.map((f, i) => [f.name, i]))
    this.methods = new Map(Object.entries(spec.methods ?? {}))
    this.ptrMethods = new Map(Object.entries(spec.ptrMethods ?? {}))
  }

  /**
   * toString returns the type's Go name.
   *
   * @returns the name.
   */
  toString(): string {
    return this.name
  }

  /**
   * addrMatters reports whether being addressable changes what a value of this type can do:
   * the type has pointer-receiver methods, or is a struct or array holding such a value by
   * value. Only such values are tracked as {@link GoAddrBox}, so other values cost nothing.
   *
   * @returns true when addressability is tracked for the type.
   */
  get addrMatters(): boolean {
    if (this.#addrMatters === undefined) {
      // Struct fields and array elements are the only by-value nesting; Go forbids a type
      // containing itself by value, so this ends.
      this.#addrMatters =
        this.ptrMethods.size > 0 ||
        (this.kind === 'struct' && this.fields.some((f) => f.type.addrMatters)) ||
        (this.kind === 'array' && this.elem?.addrMatters === true)
    }
    return this.#addrMatters
  }

  /**
   * ptrTo returns `*T`, whose method set holds T's value and pointer methods.
   *
   * @returns the pointer type.
   */
  ptrTo(): GoType {
    this.#ptr ??= new GoType({
      kind: 'ptr',
      name: `*${this.name}`,
      elem: this,
      methods: Object.fromEntries([...this.methods, ...this.ptrMethods]),
    })
    return this.#ptr
  }
}

/**
 * GoBox is a Go value of an explicit type. What `v` holds depends on the kind: a number for
 * numeric kinds, a string or boolean, an array of elements (slices, arrays; `null` for a nil
 * slice), a Map or plain object (maps; `null` for nil), an array of field values in declaration
 * order (structs), the pointee (pointers; `null` for nil), a {@link GoFunc} (funcs).
 */
export class GoBox {
  /**
   * GoBox's constructor pairs a type with its JS payload.
   *
   * @param t - the Go type.
   * @param v - the payload, as described on the class.
   */
  constructor(
    readonly t: GoType,
    readonly v: unknown
  ) {}
}

/**
 * GoAddrBox is a {@link GoBox} that is addressable in Go's sense (reflect's CanAddr): reached
 * through a pointer, as a slice element, or as a field or element of an addressable struct or
 * array. Go takes the address of such a value to find pointer-receiver methods (exec.go
 * evalField, printableValue) and to pass it as a `*T` argument (validateType). It shares its
 * payload with the box it was made from; only types whose {@link GoType.addrMatters} is true
 * get one.
 */
export class GoAddrBox extends GoBox {}

/**
 * addressable marks a value read from an addressable place, when that matters for its type.
 *
 * @param v - the value.
 * @returns a {@link GoAddrBox} for boxes whose type tracks addressability, else v.
 */
export function addressable(v: GoValue): GoValue {
  return v instanceof GoBox && !(v instanceof GoAddrBox) && v.t.addrMatters
    ? new GoAddrBox(v.t, v.v)
    : v
}

/**
 * addrOf is reflect's Value.Addr: a pointer to an addressable value.
 *
 * @param v - an addressable value.
 * @returns the pointer, of type `*T`.
 */
export function addrOf(v: GoAddrBox): GoBox {
  return new GoBox(v.t.ptrTo(), v)
}

/**
 * GoIface is a value read from a place of interface type (an `interface {}` slice element,
 * map value or field), as reflect reports Kind Interface for it until it is unboxed.
 */
export class GoIface {
  /**
   * GoIface's constructor records the interface type and the dynamic value.
   *
   * @param t - the interface type.
   * @param v - the dynamic value; nil for a nil interface.
   */
  constructor(
    readonly t: GoType,
    readonly v: GoValue
  ) {}
}

function basic(kind: Kind): GoType {
  return new GoType({ kind, name: kind })
}

/** BOOL is Go's `bool`. */
export const BOOL = basic('bool')
/** INT is Go's `int`. */
export const INT = basic('int')
/** INT8 is Go's `int8`. */
export const INT8 = basic('int8')
/** INT16 is Go's `int16`. */
export const INT16 = basic('int16')
/** INT32 is Go's `int32`. */
export const INT32 = basic('int32')
/** INT64 is Go's `int64`. */
export const INT64 = basic('int64')
/** UINT is Go's `uint`. */
export const UINT = basic('uint')
/** UINT8 is Go's `uint8`. */
export const UINT8 = basic('uint8')
/** UINT16 is Go's `uint16`. */
export const UINT16 = basic('uint16')
/** UINT32 is Go's `uint32`. */
export const UINT32 = basic('uint32')
/** UINT64 is Go's `uint64`. */
export const UINT64 = basic('uint64')
/** UINTPTR is Go's `uintptr`. */
export const UINTPTR = basic('uintptr')
/** FLOAT64 is Go's `float64`. */
export const FLOAT64 = basic('float64')
/** FLOAT32 is Go's `float32` (printed with float32 precision by fmt). */
export const FLOAT32 = basic('float32')
/** STRING is Go's `string`. */
export const STRING = basic('string')
/** ANY is Go's empty interface, `interface {}`. */
export const ANY = new GoType({ kind: 'interface', name: 'interface {}' })
/** ERROR is Go's `error` interface. */
export const ERROR = new GoType({
  kind: 'interface',
  name: 'error',
  named: true,
  methods: { Error: { params: [], variadic: false, results: [], fn: () => undefined } },
})
/** STRINGER is Go's `fmt.Stringer` interface. */
export const STRINGER = new GoType({
  kind: 'interface',
  name: 'fmt.Stringer',
  named: true,
  methods: { String: { params: [], variadic: false, results: [], fn: () => undefined } },
})
/** REFLECT_VALUE is `reflect.Value`, the parameter type of builtins that see raw values. */
export const REFLECT_VALUE = new GoType({ kind: 'struct', name: 'reflect.Value', named: true })

const sliceCache = new Map<GoType, GoType>()
const mapCache = new Map<GoType, Map<GoType, GoType>>()

/**
 * sliceOf returns the type `[]elem` (cached, so types compare by identity).
 *
 * @param elem - the element type.
 * @returns the slice type.
 */
export function sliceOf(elem: GoType): GoType {
  let t = sliceCache.get(elem)
  if (t === undefined) {
    t = new GoType({ kind: 'slice', name: `[]${elem.name}`, elem })
    sliceCache.set(elem, t)
  }
  return t
}

/**
 * arrayOf returns the type `[n]elem`.
 *
 * @param n - the length.
 * @param elem - the element type.
 * @returns the array type.
 */
export function arrayOf(n: number, elem: GoType): GoType {
  return new GoType({ kind: 'array', name: `[${n}]${elem.name}`, elem, len: n })
}

/**
 * mapOf returns the type `map[key]elem` (cached).
 *
 * @param key - the key type.
 * @param elem - the value type.
 * @returns the map type.
 */
export function mapOf(key: GoType, elem: GoType): GoType {
  let byElem = mapCache.get(key)
  if (byElem === undefined) {
    byElem = new Map()
    mapCache.set(key, byElem)
  }
  let t = byElem.get(elem)
  if (t === undefined) {
    t = new GoType({ kind: 'map', name: `map[${key.name}]${elem.name}`, key, elem })
    byElem.set(elem, t)
  }
  return t
}

/**
 * funcType returns the type of a function with the given signature, named as Go prints it.
 *
 * @param f - the signature.
 * @returns the func type.
 */
export function funcType(f: GoFunc): GoType {
  const params = f.params.map((p, i) =>
    f.variadic && i === f.params.length - 1 ? `...${p.elem?.name ?? ''}` : p.name
  )
  const res =
    f.results.length === 0
      ? ''
      : f.results.length === 1
        ? ` ${(f.results[0] as GoType).name}`
        : ` (${f.results.map((r) => r.name).join(', ')})`
  return new GoType({ kind: 'func', name: `func(${params.join(', ')})${res}` })
}

/** SLICE_ANY is `[]interface {}`, the type of a bare JS array. */
export const SLICE_ANY = sliceOf(ANY)
/** MAP_STRING_ANY is `map[string]interface {}`, the type of a plain JS object. */
export const MAP_STRING_ANY = mapOf(STRING, ANY)

/**
 * typeOf returns the Go type of a value, or undefined for the untyped nil.
 *
 * @param v - the value.
 * @returns its type.
 */
export function typeOf(v: GoValue): GoType | undefined {
  switch (typeof v) {
    case 'string':
      return STRING
    case 'boolean':
      return BOOL
    case 'number':
      return Number.isInteger(v) ? INT : FLOAT64
    case 'undefined':
      return undefined
    default:
      if (v === null) {
        return undefined
      }
      if (v instanceof GoBox || v instanceof GoIface) {
        return v.t
      }
      return Array.isArray(v) ? SLICE_ANY : MAP_STRING_ANY
  }
}

/**
 * kindOf returns the kind of a value, or undefined for the untyped nil.
 *
 * @param v - the value.
 * @returns its kind.
 */
export function kindOf(v: GoValue): Kind | undefined {
  return typeOf(v)?.kind
}

/**
 * box wraps a payload in a type; see {@link GoBox} for the payload of each kind.
 *
 * @param t - the type.
 * @param v - the payload.
 * @returns the value.
 */
export function box(t: GoType, v: unknown): GoBox {
  return new GoBox(t, v)
}

/**
 * float64 returns a Go float64 value (a bare JS number would be an int when integral).
 *
 * @param n - the number.
 * @returns the value.
 */
export function float64(n: number): GoBox {
  return new GoBox(FLOAT64, n)
}

/**
 * goStruct builds a struct value from field values by name; missing fields get zero values.
 *
 * @param t - a struct type.
 * @param fields - values by field name.
 * @returns the value.
 */
export function goStruct(t: GoType, fields: Readonly<Record<string, GoValue>>): GoBox {
  return new GoBox(
    t,
    t.fields.map((f) => (Object.hasOwn(fields, f.name) ? fields[f.name] : zeroValue(f.type)))
  )
}

/**
 * ptrTo returns a pointer to a value of type t (`null` for a nil pointer).
 *
 * @param t - the pointee type.
 * @param v - the pointee or null.
 * @returns the pointer value.
 */
export function ptrTo(t: GoType, v: GoValue): GoBox {
  return new GoBox(t.ptrTo(), v ?? null)
}

/**
 * zeroValue returns Go's zero value of a type.
 *
 * @param t - the type.
 * @returns the zero value; undefined for nil interfaces.
 */
export function zeroValue(t: GoType): GoValue {
  switch (t.kind) {
    case 'string':
      return t === STRING ? '' : new GoBox(t, '')
    case 'bool':
      return t === BOOL ? false : new GoBox(t, false)
    case 'int':
      return t === INT ? 0 : new GoBox(t, 0)
    case 'interface':
      return new GoIface(t, undefined)
    case 'slice':
    case 'map':
    case 'ptr':
    case 'func':
      return new GoBox(t, null)
    case 'array':
      return new GoBox(
        t,
        Array.from({ length: t.len }, () => zeroValue(t.elem as GoType))
      )
    case 'struct':
      return new GoBox(
        t,
        t.fields.map((f) => zeroValue(f.type))
      )
    default:
      return new GoBox(t, 0)
  }
}

/**
 * payload returns the JS payload of a value: the bare value itself or a box's `v`.
 *
 * @param v - a value that is not an interface.
 * @returns the payload.
 */
export function payload(v: GoValue): unknown {
  return v instanceof GoBox ? v.v : v
}

const INT_BITS: Partial<Record<Kind, number>> = {
  int8: 8,
  int16: 16,
  int32: 32,
  uint8: 8,
  uint16: 16,
  uint32: 32,
}

/**
 * intPayload is reflect's SetInt/SetUint for a kind: the value truncated to the kind's size
 * (int and uint are 64 bits, as on the platforms Alertmanager runs on), as a JS number when
 * that is exact and as a bigint beyond 2^53, so int64 and uint64 values keep every digit.
 *
 * @param v - the integer.
 * @param k - an integer kind.
 * @returns the payload.
 */
export function intPayload(v: bigint, k: Kind): number | bigint {
  const bits = INT_BITS[k] ?? 64
  const x = isUintKind(k) ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v)
  const n = Number(x)
  return Number.isSafeInteger(n) ? n : x
}

/**
 * intValue returns the payload of an integer value as a bigint (exact for both payload forms).
 *
 * @param v - a value of an integer kind.
 * @returns the integer.
 */
export function intValue(v: GoValue): bigint {
  const p = payload(v)
  return typeof p === 'bigint' ? p : BigInt(p as number)
}

/**
 * isIntKind reports whether a kind is a signed integer kind.
 *
 * @param k - the kind.
 * @returns true for int, int8 ... int64.
 */
export function isIntKind(k: Kind | undefined): boolean {
  return k === 'int' || k === 'int64' || k === 'int32' || k === 'int16' || k === 'int8'
}

/**
 * isUintKind reports whether a kind is an unsigned integer kind.
 *
 * @param k - the kind.
 * @returns true for uint, uint8 ... uintptr.
 */
export function isUintKind(k: Kind | undefined): boolean {
  return (
    k === 'uint' ||
    k === 'uint64' ||
    k === 'uint32' ||
    k === 'uint16' ||
    k === 'uint8' ||
    k === 'uintptr'
  )
}

/**
 * isFloatKind reports whether a kind is float32 or float64.
 *
 * @param k - the kind.
 * @returns true for floats.
 */
export function isFloatKind(k: Kind | undefined): boolean {
  return k === 'float64' || k === 'float32'
}

/**
 * listOf returns the elements of a slice or array value (empty for nil).
 *
 * @param v - a slice or array value.
 * @returns its elements.
 */
export function listOf(v: GoValue): readonly GoValue[] {
  const p = payload(v)
  return Array.isArray(p) ? (p as GoValue[]) : []
}

/** MapKey is the JS form of a map key: the payload of a string, integer or bool key. */
export type MapKey = string | number | boolean

/**
 * mapEntries returns the entries of a map value in insertion order (empty for nil).
 *
 * @param v - a map value.
 * @returns its entries.
 */
export function mapEntries(v: GoValue): [MapKey, GoValue][] {
  const p = payload(v)
  if (p === null || p === undefined) {
    return []
  }
  if (p instanceof Map) {
    return [...(p as Map<MapKey, GoValue>)]
  }
  return Object.entries(p as Record<string, GoValue>)
}

/**
 * mapLen returns the number of entries of a map value.
 *
 * @param v - a map value.
 * @returns the count.
 */
export function mapLen(v: GoValue): number {
  const p = payload(v)
  if (p === null || p === undefined) {
    return 0
  }
  return p instanceof Map ? p.size : Object.keys(p).length
}

/**
 * mapGet looks a key up in a map value.
 *
 * @param v - a map value.
 * @param k - the key payload.
 * @returns the value and whether the key was present.
 */
export function mapGet(v: GoValue, k: MapKey): { found: boolean; value: GoValue } {
  const p = payload(v)
  if (p === null || p === undefined) {
    return { found: false, value: undefined }
  }
  if (p instanceof Map) {
    const m = p as Map<MapKey, GoValue>
    return m.has(k) ? { found: true, value: m.get(k) } : { found: false, value: undefined }
  }
  const o = p as Record<string, GoValue>
  return typeof k === 'string' && Object.hasOwn(o, k)
    ? { found: true, value: o[k] }
    : { found: false, value: undefined }
}

/**
 * elemValue reads a value stored in a place of type t (slice element, map value, field): a
 * place of interface type yields a {@link GoIface}, as reflect does.
 *
 * @param t - the static type of the place.
 * @param v - the stored value.
 * @returns the value as reflect would see it.
 */
export function elemValue(t: GoType, v: GoValue): GoValue {
  if (t.kind === 'interface') {
    return v instanceof GoIface ? v : new GoIface(t, v)
  }
  if (v === undefined || v === null) {
    return zeroValue(t)
  }
  return v
}

/**
 * unboxIface returns the dynamic value of an interface value (indirectInterface in Go 1.19
 * text/template/exec.go); other values are returned as they are.
 *
 * @param v - the value.
 * @returns the dynamic value; undefined for a nil interface.
 */
export function unboxIface(v: GoValue): GoValue {
  let x = v
  while (x instanceof GoIface) {
    x = x.v
  }
  return x
}

/**
 * isNilValue reports whether a value is a nil pointer, map, slice, func or interface.
 *
 * @param v - the value.
 * @returns true when nil.
 */
export function isNilValue(v: GoValue): boolean {
  if (v === null || v === undefined) {
    return true
  }
  if (v instanceof GoIface) {
    return v.v === null || v.v === undefined
  }
  if (v instanceof GoBox) {
    const k = v.t.kind
    return (
      (k === 'ptr' || k === 'map' || k === 'slice' || k === 'func' || k === 'interface') &&
      v.v === null
    )
  }
  return false
}

/**
 * implementsIface reports whether a type implements an interface type by method names.
 *
 * @param t - the type.
 * @param iface - the interface type.
 * @returns true when every method of iface is in t's method set.
 */
export function implementsIface(t: GoType, iface: GoType): boolean {
  for (const name of iface.methods.keys()) {
    if (!t.methods.has(name)) {
      return false
    }
  }
  return true
}

/**
 * identical reports whether two types are the same Go type.
 *
 * @param a - one type.
 * @param b - another.
 * @returns true when identical.
 */
export function identical(a: GoType, b: GoType): boolean {
  return a === b || (a.name === b.name && a.kind === b.kind)
}

/**
 * assignableTo is reflect's Type.AssignableTo for the types of this model.
 *
 * @param v - the value's type.
 * @param t - the destination type.
 * @returns true when assignable.
 */
export function assignableTo(v: GoType, t: GoType): boolean {
  if (identical(v, t)) {
    return true
  }
  if (t.kind === 'interface') {
    return implementsIface(v, t)
  }
  // Identical underlying types with at least one side unnamed.
  if ((v.named && t.named) || v.kind !== t.kind) {
    return false
  }
  switch (v.kind) {
    case 'slice':
    case 'ptr':
    case 'array':
      return v.elem !== undefined && t.elem !== undefined && identical(v.elem, t.elem)
    case 'map':
      return (
        v.elem !== undefined &&
        t.elem !== undefined &&
        v.key !== undefined &&
        t.key !== undefined &&
        identical(v.elem, t.elem) &&
        identical(v.key, t.key)
      )
    default:
      return false
  }
}
