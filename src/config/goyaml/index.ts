/**
 * @module config/goyaml
 * The Go-compatibility machinery under config: what gopkg.in/yaml.v2 and net/url do to a config
 * before Alertmanager's own code sees it. `tree` parses YAML into positioned nodes (js-yaml
 * events), `resolve` gives plain scalars yaml.v2's types, `decode` maps nodes onto the schema
 * with yaml.v2's type errors, `emit` and `style` write YAML back as yaml.v2 marshals it
 * (`config.original`, amtool's round trip), and `url` is Go's url.Parse and URL.String.
 * Alertmanager's semantics (defaults, checks, inheritance from `global`) stay in src/config.
 */
export { FatalYamlError, decodeDocument, describeNode } from './decode.js'
export type { Decoded, NodePosition, TypeIssue } from './decode.js'
export { emitYaml } from './emit.js'
export type { YOut } from './emit.js'
export { TagError, resolveScalar } from './resolve.js'
export { LineIndex, YamlSyntaxError, parseYamlTree } from './tree.js'
export type { YMap, YNode, YScalar } from './tree.js'
export { goUrlString, parseGoUrl, parseHttpUrl } from './url.js'
export type { GoURL } from './url.js'
export { parseYamlValue } from './value.js'
