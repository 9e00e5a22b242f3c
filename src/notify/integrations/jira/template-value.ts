import { parseYamlValue } from '../../../config/index.js'

/**
 * deepCopyWithTemplate is newer Alertmanager's template.DeepCopyWithTemplate (template/
 * template.go at 68fb2d5), which renders jira's custom `fields`: every string, map key
 * included, is rendered; a rendered string that yaml.v2 reads as something other than a
 * string (a number, a bool, a list, a map, or nil for an empty text) is sent as that value,
 * so `"42"` goes out as 42 and `'{"a": 1}'` as an object; other strings are sent as rendered.
 * Numbers, booleans and nulls are copied.
 *
 * @param value - a value of the config's `fields`.
 * @param render - renders one template text; throws the template's error.
 * @returns the value to encode.
 * @throws what `render` throws.
 *
 * @example
 * ```ts
 * deepCopyWithTemplate({ n: '{{ 40 }}2', s: 'x' }, (t) => tmpl.executeTextString(t, data))
 * // { n: 402, s: 'x' }
 * ```
 */
export function deepCopyWithTemplate(value: unknown, render: (text: string) => string): unknown {
  if (typeof value === 'string') {
    const rendered = render(value)
    const parsed = parseYamlValue(rendered)
    return !parsed.ok || typeof parsed.value === 'string' ? rendered : parsed.value
  }
  if (Array.isArray(value)) {
    return value.map((item) => deepCopyWithTemplate(item, render))
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, render(key), {
        value: deepCopyWithTemplate(item, render),
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return out
  }
  return value
}
