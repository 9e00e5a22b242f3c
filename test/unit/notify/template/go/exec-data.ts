/**
 * A mirror of Go 1.19 text/template/exec_test.go's test data (T, tVal and the test
 * functions) in the Go value model, named `main.*` as in the oracle program that copies them.
 */
import {
  ANY,
  BOOL,
  ERROR,
  FLOAT64,
  GoIface,
  GoType,
  INT,
  INT8,
  INT32,
  INT64,
  STRING,
  STRINGER,
  Template,
  UINT16,
  UINT32,
  UINT64,
  UINT8,
  arrayOf,
  box,
  float64,
  funcType,
  goStruct,
  mapOf,
  payload,
  ptrTo,
  sliceOf,
  sprint,
  sprintf,
} from '#src/notify/template/go/index.js'
import type { GoFunc, GoValue } from '#src/notify/template/go/index.js'

function fn(
  params: GoType[],
  results: GoType[],
  impl: (...args: GoValue[]) => GoValue,
  variadic = false
): GoFunc {
  return { params, results, variadic, fn: impl }
}

const U = new GoType({
  kind: 'struct',
  name: 'main.U',
  named: true,
  fields: [{ name: 'V', type: STRING }],
  ptrMethods: {
    TrueFalse: fn([BOOL], [STRING], (_u, b) => (b === true ? 'true' : '')),
  },
})
const V = new GoType({
  kind: 'struct',
  name: 'main.V',
  named: true,
  fields: [{ name: 'j', type: INT }],
  ptrMethods: {
    String: fn([], [STRING], (v) => {
      const p = payload(v)
      return p === null ? 'nilV' : `<${sprint([(payload(p as GoValue) as GoValue[])[0]])}>`
    }),
  },
})
const W = new GoType({
  kind: 'struct',
  name: 'main.W',
  named: true,
  fields: [{ name: 'k', type: INT }],
  ptrMethods: {
    Error: fn([], [STRING], (w) => {
      const p = payload(w)
      return p === null ? 'nilW' : `[${sprint([(payload(p as GoValue) as GoValue[])[0]])}]`
    }),
  },
})
const I = new GoType({
  kind: 'interface',
  name: 'main.I',
  named: true,
  methods: { Method0: fn([], [STRING], () => undefined) },
})
const SLICE_INT = sliceOf(INT)
// T refers to itself through Copy's result; a placeholder named like it is enough for %T.
const T_PTR = new GoType({ kind: 'ptr', name: '*main.T' })

/** T mirrors exec_test.go's T; its methods have pointer receivers. */
export const T: GoType = new GoType({
  kind: 'struct',
  name: 'main.T',
  named: true,
  fields: [
    { name: 'True', type: BOOL },
    { name: 'I', type: INT },
    { name: 'U16', type: UINT16 },
    { name: 'X', type: STRING },
    { name: 'S', type: STRING },
    { name: 'FloatZero', type: FLOAT64 },
    { name: 'U', type: U.ptrTo() },
    { name: 'V0', type: V },
    { name: 'V1', type: V.ptrTo() },
    { name: 'V2', type: V.ptrTo() },
    { name: 'W0', type: W },
    { name: 'W1', type: W.ptrTo() },
    { name: 'W2', type: W.ptrTo() },
    { name: 'SI', type: SLICE_INT },
    { name: 'SIEmpty', type: SLICE_INT },
    { name: 'SB', type: sliceOf(BOOL) },
    { name: 'AI', type: arrayOf(3, INT) },
    { name: 'MSI', type: mapOf(STRING, INT) },
    { name: 'MSIone', type: mapOf(STRING, INT) },
    { name: 'MSIEmpty', type: mapOf(STRING, INT) },
    { name: 'MXI', type: mapOf(ANY, INT) },
    { name: 'MII', type: mapOf(INT, INT) },
    { name: 'MI32S', type: mapOf(INT32, STRING) },
    { name: 'MI64S', type: mapOf(INT64, STRING) },
    { name: 'MUI32S', type: mapOf(UINT32, STRING) },
    { name: 'MUI64S', type: mapOf(UINT64, STRING) },
    { name: 'MI8S', type: mapOf(INT8, STRING) },
    { name: 'MUI8S', type: mapOf(UINT8, STRING) },
    { name: 'SMSI', type: sliceOf(mapOf(STRING, INT)) },
    { name: 'Empty0', type: ANY },
    { name: 'Empty1', type: ANY },
    { name: 'Empty2', type: ANY },
    { name: 'Empty3', type: ANY },
    { name: 'Empty4', type: ANY },
    { name: 'NonEmptyInterface', type: I },
    { name: 'NonEmptyInterfaceNil', type: I },
    { name: 'NonEmptyInterfaceTypedNil', type: I },
    { name: 'Err', type: ERROR },
    { name: 'PI', type: INT.ptrTo() },
    { name: 'PS', type: STRING.ptrTo() },
    { name: 'PSI', type: SLICE_INT.ptrTo() },
    { name: 'NIL', type: INT.ptrTo() },
    { name: 'unexported', type: INT },
  ],
  ptrMethods: {
    Method0: fn([], [STRING], () => 'M0'),
    Method1: fn([INT], [INT], (_t, a) => a),
    Method2: fn([UINT16, STRING], [STRING], (_t, a, b) =>
      sprintf('Method2: %d %s', [box(UINT16, payload(a)), b])
    ),
    Method3: fn([ANY], [STRING], (_t, v) => sprintf('Method3: %v', [v])),
    MAdd: fn([INT, SLICE_INT], [SLICE_INT], (_t, a, b) =>
      box(
        SLICE_INT,
        ((payload(b) as number[] | null) ?? []).map((x) => x + (a as number))
      )
    ),
    MyError: fn([BOOL], [BOOL, ERROR], (_t, e) => {
      if (e === true) {
        throw new Error('my error')
      }
      return false
    }),
    Copy: fn([], [T_PTR], (t) => ptrTo(T, payload(t) as GoValue)),
    GetU: fn([], [U.ptrTo()], (t) => {
      const fields = payload(payload(t) as GoValue) as GoValue[]
      return fields[6]
    }),
  },
})

function m(t: GoType, entries: [string | number, GoValue][]): GoValue {
  return box(t, new Map(entries))
}

const errValue = box(
  new GoType({
    kind: 'ptr',
    name: '*errors.errorString',
    methods: { Error: fn([], [STRING], () => 'erroozle') },
  }),
  box(new GoType({ kind: 'struct', name: 'errors.errorString', fields: [] }), [])
)

/** tVal mirrors exec_test.go's tVal, a *T. */
export const tVal: GoValue = ptrTo(
  T,
  goStruct(T, {
    True: true,
    I: 17,
    U16: box(UINT16, 16),
    X: 'x',
    S: 'xyz',
    FloatZero: float64(0),
    U: ptrTo(U, goStruct(U, { V: 'v' })),
    V0: goStruct(V, { j: 6666 }),
    V1: ptrTo(V, goStruct(V, { j: 7777 })),
    W0: goStruct(W, { k: 888 }),
    W1: ptrTo(W, goStruct(W, { k: 999 })),
    SI: box(SLICE_INT, [3, 4, 5]),
    AI: box(arrayOf(3, INT), [3, 4, 5]),
    SB: box(sliceOf(BOOL), [true, false]),
    MSI: m(mapOf(STRING, INT), [
      ['one', 1],
      ['two', 2],
      ['three', 3],
    ]),
    MSIone: m(mapOf(STRING, INT), [['one', 1]]),
    MXI: m(mapOf(ANY, INT), [['one', 1]]),
    MII: m(mapOf(INT, INT), [[1, 1]]),
    MI32S: m(mapOf(INT32, STRING), [
      [1, 'one'],
      [2, 'two'],
    ]),
    MI64S: m(mapOf(INT64, STRING), [
      [2, 'i642'],
      [3, 'i643'],
    ]),
    MUI32S: m(mapOf(UINT32, STRING), [
      [2, 'u322'],
      [3, 'u323'],
    ]),
    MUI64S: m(mapOf(UINT64, STRING), [
      [2, 'ui642'],
      [3, 'ui643'],
    ]),
    MI8S: m(mapOf(INT8, STRING), [
      [2, 'i82'],
      [3, 'i83'],
    ]),
    MUI8S: m(mapOf(UINT8, STRING), [
      [2, 'u82'],
      [3, 'u83'],
    ]),
    SMSI: box(sliceOf(mapOf(STRING, INT)), [
      m(mapOf(STRING, INT), [
        ['one', 1],
        ['two', 2],
      ]),
      m(mapOf(STRING, INT), [
        ['eleven', 11],
        ['twelve', 12],
      ]),
    ]),
    Empty1: 3,
    Empty2: 'empty2',
    Empty3: box(SLICE_INT, [7, 8]),
    Empty4: ptrTo(U, goStruct(U, { V: 'UinEmpty' })),
    NonEmptyInterface: ptrTo(T, goStruct(T, { X: 'x' })),
    NonEmptyInterfaceTypedNil: ptrTo(T, null),
    Err: errValue,
    PI: ptrTo(INT, 23),
    PS: ptrTo(STRING, 'a string'),
    PSI: ptrTo(SLICE_INT, box(SLICE_INT, [21, 22, 23])),
  })
)

const MAP_SS = mapOf(STRING, STRING)

/** execFuncs mirrors the FuncMap exec_test.go's testExecute installs (minus `count`). */
export const execFuncs: Record<string, GoFunc> = {
  add: fn(
    [SLICE_INT],
    [INT],
    (...a) => a.reduce<number>((s, x) => s + (payload(x) as number), 0),
    true
  ),
  dddArg: fn(
    [INT, sliceOf(STRING)],
    [STRING],
    (a, ...b) => sprintf('%d=<%s>', [a, b.map((x) => sprint([x])).join('+')]),
    true
  ),
  die: fn([], [BOOL], () => {
    throw new Error('die')
  }),
  echo: fn([ANY], [ANY], (a) => a),
  makemap: fn(
    [sliceOf(STRING)],
    [MAP_SS],
    (...a) => {
      if (a.length % 2 !== 0) {
        throw new Error('bad makemap')
      }
      const out = new Map<string, GoValue>()
      for (let i = 0; i < a.length; i += 2) {
        out.set(a[i] as string, a[i + 1])
      }
      return box(MAP_SS, out)
    },
    true
  ),
  mapOfThree: fn([], [ANY], () => box(mapOf(STRING, INT), new Map([['three', 3]]))),
  oneArg: fn([STRING], [STRING], (a) => `oneArg=${a as string}`),
  returnInt: fn([], [INT], () => 7),
  stringer: fn([STRINGER], [STRING], (s) => {
    const t = (s as { t: GoType }).t
    return t.methods.get('String')?.fn(s)
  }),
  twoArgs: fn([STRING, STRING], [STRING], (a, b) => `twoArgs=${a as string}${b as string}`),
  typeOf: fn([ANY], [STRING], (a) => sprintf('%T', [a])),
  valueString: fn([STRING], [STRING], () => 'value is ignored'),
  vfunc: fn([V, V.ptrTo()], [STRING], () => 'vfunc'),
  zeroArgs: fn([], [STRING], () => 'zeroArgs'),
}

/** literalData decodes the oracle's simple literal data expressions the way it does. */
export function literalData(expr: string): GoValue | undefined {
  if (expr === 'tVal') {
    return tVal
  }
  if (expr === 'nil') {
    return undefined
  }
  if (/^-?\d+$/.test(expr)) {
    return Number(expr)
  }
  if (/^-?\d*\.\d+$/.test(expr)) {
    return float64(Number(expr))
  }
  if (expr === 'true') {
    return true
  }
  if (expr.startsWith('"') || expr.startsWith('`')) {
    return expr.startsWith('`') ? expr.slice(1, -1) : (JSON.parse(expr) as string)
  }
  return undefined
}

/** funcTypeName is exported for a sanity check of func type naming. */
export const funcTypeName = funcType(fn([INT], [STRING], () => '')).name

/** unusedIface keeps GoIface and sprint referenced for type-only imports. */
export const unusedIface = [GoIface, sprint]

/**
 * ours runs a template named `t` with execFuncs on `data`, as `ok: <output>` or `err: <message>`
 * (the form the oracle tests compare with Go's).
 *
 * @param text - the template text.
 * @param data - the dot.
 * @returns the outcome.
 */
export function ours(text: string, data: GoValue): string {
  try {
    return `ok: ${Template.new('t').funcs(execFuncs).parse(text).execute(data)}`
  } catch (e) {
    return `err: ${(e as Error).message}`
  }
}
