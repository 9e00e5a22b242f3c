// check-config parity with Debian's amtool 0.25: every file of Alertmanager 0.25's
// config/testdata, and configs whose template files do not parse. Where amtool refuses, we
// refuse; where it accepts, we accept: every receiver kind is sent, so none is refused for its
// kind. The example configs this repository ships are checked the same way.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'

import { MAIN_JS, REPO_ROOT } from '../support/node-process.js'
import { Teardown } from '../support/teardown.js'

const AMTOOL = '/usr/bin/amtool'
/** The configs this repository ships. */
const EXAMPLES = ['scripts/example/alertmanager.yml', 'consul/alertmanager.yml']

const TESTDATA = '/usr/share/gocode/src/github.com/prometheus/alertmanager/config/testdata'

interface Run {
  readonly ok: boolean
  readonly stdout: string
}

function run(cmd: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd }, (err, stdout) => {
      resolve({ ok: err === null, stdout })
    })
  })
}

const skip = !existsSync(AMTOOL)
  ? 'Debian amtool 0.25 is not installed (prometheus-alertmanager)'
  : !existsSync(TESTDATA)
    ? "Alertmanager's Go sources are not installed (golang-github-prometheus-alertmanager-dev)"
    : false

describe('check-config parity with amtool 0.25', { skip }, () => {
  let dir: string
  const teardown = new Teardown()
  before(async () => {
    dir = teardown.add(await mkdtemp(join(tmpdir(), 'alertmesh-parity-')), (d) =>
      rm(d, { recursive: true, force: true })
    )
  })
  after(() => teardown.run())

  it("agrees on every file of 0.25's config/testdata", async () => {
    // A copy, run from its directory: some files name password files by relative paths.
    const data = join(dir, 'testdata')
    await cp(TESTDATA, data, { recursive: true })
    const files = (await readdir(data)).filter((f) => f.endsWith('.yml')).sort()
    assert.ok(files.length >= 24, `only ${files.length} files in ${TESTDATA}`)
    const table: string[] = []
    const problems: string[] = []
    for (const file of files) {
      const [amtool, ours] = await Promise.all([
        run(AMTOOL, ['check-config', file], data),
        run(process.execPath, [MAIN_JS, 'check-config', file], data),
      ])
      table.push(
        `${file} → amtool ${amtool.ok ? 'accepts' : 'refuses'} → ours ${ours.ok ? 'accepts' : 'refuses'}`
      )
      if (!amtool.ok && ours.ok) {
        problems.push(`${file}: amtool refuses, we accept\n${amtool.stdout}`)
      } else if (amtool.ok && !ours.ok) {
        problems.push(`${file}: amtool accepts, we refuse\n${ours.stdout}`)
      }
    }
    console.log(`check-config parity:\n  ${table.join('\n  ')}`)
    assert.deepEqual(problems, [])
  })

  for (const example of EXAMPLES) {
    it(`agrees on the shipped ${example}, and both accept it`, async () => {
      const file = join(REPO_ROOT, example)
      const [amtool, ours] = await Promise.all([
        run(AMTOOL, ['check-config', file], dir),
        run(process.execPath, [MAIN_JS, 'check-config', file], dir),
      ])
      assert.ok(amtool.ok, amtool.stdout)
      assert.ok(ours.ok, ours.stdout)
      // The same summary: receivers, inhibit rules, templates found.
      const found = (out: string) => out.slice(out.indexOf('Found:'))
      assert.equal(found(ours.stdout), found(amtool.stdout))
    })
  }

  const broken: Record<string, string> = {
    'unclosed action': '{{ define "team.title" }}{{ .Status \n{{ end }}\n',
    'unknown function': '{{ define "team.title" }}\n{{ .Status | shout }}{{ end }}\n',
    'bad define': '{{ define }}x{{ end }}\n',
    'define without end': 'x\n\n{{ define "team.title" }}{{ .Status }}\n',
    'missing value for if': '{{ define "team.title" }}{{ if }}{{ end }}{{ end }}\n',
  }
  for (const [name, body] of Object.entries(broken)) {
    it(`both refuse a template file with ${name}, naming the file and line`, async () => {
      const caseDir = join(dir, name.replaceAll(' ', '-'))
      await mkdir(join(caseDir, 'templates'), { recursive: true })
      await writeFile(
        join(caseDir, 'am.yml'),
        "route:\n  receiver: r\nreceivers:\n- name: r\ntemplates: ['templates/*.tmpl']\n"
      )
      await writeFile(join(caseDir, 'templates', 'a-good.tmpl'), '{{ define "ok" }}ok{{ end }}\n')
      await writeFile(join(caseDir, 'templates', 'team.tmpl'), body)
      // From another directory: relative globs resolve against the config file's directory.
      const [amtool, ours] = await Promise.all([
        run(AMTOOL, ['check-config', join(caseDir, 'am.yml')], dir),
        run(process.execPath, [MAIN_JS, 'check-config', join(caseDir, 'am.yml')], dir),
      ])
      assert.equal(amtool.ok, false, amtool.stdout)
      assert.equal(ours.ok, false, ours.stdout)
      // amtool: `  FAILED: template: team.tmpl:2: ...`; ours carries the same Go message.
      const goMessage = /^ {2}FAILED: (template: team\.tmpl:\d+: .*)$/m.exec(amtool.stdout)?.[1]
      assert.ok(goMessage !== undefined, amtool.stdout)
      assert.ok(
        ours.stdout.includes(
          `FAILED: failed to parse templates: ${goMessage} (file ${join(caseDir, 'templates', 'team.tmpl')})`
        ),
        `amtool: ${amtool.stdout}\nours: ${ours.stdout}`
      )
    })
  }
})
