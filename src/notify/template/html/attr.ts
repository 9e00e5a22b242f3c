/**
 * Attribute content types, a port of Go 1.19 html/template/attr.go: what kind of content an
 * attribute value holds, by attribute name.
 */
import type { ContentType } from './content.js'

// Go 1.19 html/template/attr.go attrTypeMap, entry for entry.
const ATTR_TYPE_MAP: ReadonlyMap<string, ContentType> = new Map<string, ContentType>([
  ['accept', 'contentTypePlain'],
  ['accept-charset', 'contentTypeUnsafe'],
  ['action', 'contentTypeURL'],
  ['alt', 'contentTypePlain'],
  ['archive', 'contentTypeURL'],
  ['async', 'contentTypeUnsafe'],
  ['autocomplete', 'contentTypePlain'],
  ['autofocus', 'contentTypePlain'],
  ['autoplay', 'contentTypePlain'],
  ['background', 'contentTypeURL'],
  ['border', 'contentTypePlain'],
  ['checked', 'contentTypePlain'],
  ['cite', 'contentTypeURL'],
  ['challenge', 'contentTypeUnsafe'],
  ['charset', 'contentTypeUnsafe'],
  ['class', 'contentTypePlain'],
  ['classid', 'contentTypeURL'],
  ['codebase', 'contentTypeURL'],
  ['cols', 'contentTypePlain'],
  ['colspan', 'contentTypePlain'],
  ['content', 'contentTypeUnsafe'],
  ['contenteditable', 'contentTypePlain'],
  ['contextmenu', 'contentTypePlain'],
  ['controls', 'contentTypePlain'],
  ['coords', 'contentTypePlain'],
  ['crossorigin', 'contentTypeUnsafe'],
  ['data', 'contentTypeURL'],
  ['datetime', 'contentTypePlain'],
  ['default', 'contentTypePlain'],
  ['defer', 'contentTypeUnsafe'],
  ['dir', 'contentTypePlain'],
  ['dirname', 'contentTypePlain'],
  ['disabled', 'contentTypePlain'],
  ['draggable', 'contentTypePlain'],
  ['dropzone', 'contentTypePlain'],
  ['enctype', 'contentTypeUnsafe'],
  ['for', 'contentTypePlain'],
  ['form', 'contentTypeUnsafe'],
  ['formaction', 'contentTypeURL'],
  ['formenctype', 'contentTypeUnsafe'],
  ['formmethod', 'contentTypeUnsafe'],
  ['formnovalidate', 'contentTypeUnsafe'],
  ['formtarget', 'contentTypePlain'],
  ['headers', 'contentTypePlain'],
  ['height', 'contentTypePlain'],
  ['hidden', 'contentTypePlain'],
  ['high', 'contentTypePlain'],
  ['href', 'contentTypeURL'],
  ['hreflang', 'contentTypePlain'],
  ['http-equiv', 'contentTypeUnsafe'],
  ['icon', 'contentTypeURL'],
  ['id', 'contentTypePlain'],
  ['ismap', 'contentTypePlain'],
  ['keytype', 'contentTypeUnsafe'],
  ['kind', 'contentTypePlain'],
  ['label', 'contentTypePlain'],
  ['lang', 'contentTypePlain'],
  ['language', 'contentTypeUnsafe'],
  ['list', 'contentTypePlain'],
  ['longdesc', 'contentTypeURL'],
  ['loop', 'contentTypePlain'],
  ['low', 'contentTypePlain'],
  ['manifest', 'contentTypeURL'],
  ['max', 'contentTypePlain'],
  ['maxlength', 'contentTypePlain'],
  ['media', 'contentTypePlain'],
  ['mediagroup', 'contentTypePlain'],
  ['method', 'contentTypeUnsafe'],
  ['min', 'contentTypePlain'],
  ['multiple', 'contentTypePlain'],
  ['name', 'contentTypePlain'],
  ['novalidate', 'contentTypeUnsafe'],
  ['open', 'contentTypePlain'],
  ['optimum', 'contentTypePlain'],
  ['pattern', 'contentTypeUnsafe'],
  ['placeholder', 'contentTypePlain'],
  ['poster', 'contentTypeURL'],
  ['profile', 'contentTypeURL'],
  ['preload', 'contentTypePlain'],
  ['pubdate', 'contentTypePlain'],
  ['radiogroup', 'contentTypePlain'],
  ['readonly', 'contentTypePlain'],
  ['rel', 'contentTypeUnsafe'],
  ['required', 'contentTypePlain'],
  ['reversed', 'contentTypePlain'],
  ['rows', 'contentTypePlain'],
  ['rowspan', 'contentTypePlain'],
  ['sandbox', 'contentTypeUnsafe'],
  ['spellcheck', 'contentTypePlain'],
  ['scope', 'contentTypePlain'],
  ['scoped', 'contentTypePlain'],
  ['seamless', 'contentTypePlain'],
  ['selected', 'contentTypePlain'],
  ['shape', 'contentTypePlain'],
  ['size', 'contentTypePlain'],
  ['sizes', 'contentTypePlain'],
  ['span', 'contentTypePlain'],
  ['src', 'contentTypeURL'],
  ['srcdoc', 'contentTypeHTML'],
  ['srclang', 'contentTypePlain'],
  ['srcset', 'contentTypeSrcset'],
  ['start', 'contentTypePlain'],
  ['step', 'contentTypePlain'],
  ['style', 'contentTypeCSS'],
  ['tabindex', 'contentTypePlain'],
  ['target', 'contentTypePlain'],
  ['title', 'contentTypePlain'],
  ['type', 'contentTypeUnsafe'],
  ['usemap', 'contentTypeURL'],
  ['value', 'contentTypeUnsafe'],
  ['width', 'contentTypePlain'],
  ['wrap', 'contentTypePlain'],
  ['xmlns', 'contentTypeURL'],
])

/**
 * attrType returns the content type of an attribute's value from its lower-case name (Go's
 * attrType): `data-` and namespace prefixes are dropped, `on*` is JS, names containing
 * `src`, `uri` or `url` are URLs.
 *
 * @param nameIn - the lower-case attribute name.
 * @returns the content type.
 */
export function attrType(nameIn: string): ContentType {
  let name = nameIn
  const colon = name.indexOf(':')
  if (name.startsWith('data-')) {
    name = name.slice(5)
  } else if (colon >= 0) {
    if (name.slice(0, colon) === 'xmlns') {
      return 'contentTypeURL'
    }
    name = name.slice(colon + 1)
  }
  const t = ATTR_TYPE_MAP.get(name)
  if (t !== undefined) {
    return t
  }
  if (name.startsWith('on')) {
    return 'contentTypeJS'
  }
  if (name.includes('src') || name.includes('uri') || name.includes('url')) {
    return 'contentTypeURL'
  }
  return 'contentTypePlain'
}
