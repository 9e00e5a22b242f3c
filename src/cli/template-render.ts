// `alertmesh template render`: the flags of amtool 0.25's `template render`
// (cli/template_render.go); the work is src/notify's renderTemplate.
import { readFileSync } from 'node:fs'

import { renderTemplate } from '../notify/index.js'

interface Writable {
  write(s: string): unknown
}

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
  const globs: string[] = []
  let text: string | undefined
  let type: 'text' | 'html' = 'text'
  let dataFile: string | undefined
  const fail = (message: string): number => {
    // amtool (kingpin) follows its error line with an empty line.
    stderr.write(`alertmesh: error: ${message}\n\n`)
    return 1
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const eq = arg.indexOf('=')
    const name = eq < 0 ? arg : arg.slice(0, eq)
    const value = (): string | undefined => (eq < 0 ? argv[++i] : arg.slice(eq + 1))
    switch (name) {
      case '--template.glob': {
        const v = value()
        if (v === undefined) {
          return fail('expected argument for flag --template.glob')
        }
        globs.push(v)
        break
      }
      case '--template.text':
        text = value()
        if (text === undefined) {
          return fail('expected argument for flag --template.text')
        }
        break
      case '--template.type': {
        const v = value()
        if (v !== 'text' && v !== 'html') {
          return fail(`enum value must be one of html,text, got '${v ?? ''}'`)
        }
        type = v
        break
      }
      case '--template.data':
        dataFile = value()
        break
      default:
        return fail(`unknown long flag '${name}'`)
    }
  }
  if (globs.length === 0) {
    return fail('required flag --template.glob not provided')
  }
  if (text === undefined) {
    return fail('required flag --template.text not provided')
  }
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
