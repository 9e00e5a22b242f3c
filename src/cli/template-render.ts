// `alertmesh template render`: the flags of amtool 0.25's `template render`
// (cli/template_render.go); the work is src/notify's renderTemplate.
import { readFileSync } from 'node:fs'

import { renderTemplate } from '../notify/index.js'

import { FlagError, defineFlags } from './flag-set.js'

interface Writable {
  write(s: string): unknown
}

/** TEMPLATE_RENDER_FLAGS are amtool 0.25's `template render` flags. */
const TEMPLATE_RENDER_FLAGS = defineFlags({
  'template.glob': {
    kind: 'strings',
    required: true,
    help: 'Glob of paths that will be expanded and used for rendering.',
  },
  'template.text': { kind: 'string', required: true, help: 'The template that will be rendered.' },
  'template.type': {
    kind: 'enum',
    values: ['html', 'text'],
    default: 'text',
    help: 'The type of the template. Can be either text (default) or html.',
  },
  'template.data': {
    kind: 'string',
    help: 'Full path to a file which contains the data of the alert(-s) with which the --template.text will be rendered. Must be in JSON. File must be formatted according to the following layout: https://pkg.go.dev/github.com/prometheus/alertmanager/template#Data.',
  },
})

/**
 * templateRender runs `template render` with the arguments after `render`.
 *
 * @param argv - `--template.glob=...` (repeatable), `--template.text=...`,
 *   `--template.type=text|html`, `--template.data=FILE`; `--flag value` works too.
 * @param stdout - where the output goes, without a trailing newline (as amtool's fmt.Print).
 * @param stderr - where `alertmesh: error: ...` goes.
 * @returns the exit code.
 */
export function templateRender(
  argv: readonly string[],
  stdout: Writable,
  stderr: Writable
): number {
  const fail = (message: string): number => {
    // amtool (kingpin) follows its error line with an empty line.
    stderr.write(`alertmesh: error: ${message}\n\n`)
    return 1
  }
  let values
  try {
    ;({ values } = TEMPLATE_RENDER_FLAGS.parse(argv, { wording: 'kingpin' }))
  } catch (err: unknown) {
    if (err instanceof FlagError) {
      return fail(err.message)
    }
    throw err
  }
  const {
    'template.glob': globs,
    'template.text': text,
    'template.type': type,
    'template.data': dataFile,
  } = values
  try {
    const dataJSON = dataFile === undefined ? undefined : readFileSync(dataFile, 'utf8')
    stdout.write(
      renderTemplate({
        globs,
        text,
        type,
        now: Date.now(),
        ...(dataJSON === undefined ? {} : { dataJSON }),
      })
    )
    return 0
  } catch (err: unknown) {
    return fail(err instanceof Error ? err.message : String(err))
  }
}
