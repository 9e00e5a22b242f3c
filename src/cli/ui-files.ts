import { readFileSync } from 'node:fs'

import type { UiAsset, UiFiles } from '../api/index.js'

// Set by scripts/build-bundle.mjs to where dist/ui is from the bundle; undefined in tsc's
// output (dist/src/cli), two folders below dist.
declare const __ALERTMESH_UI_DIR__: string | undefined
// `npm run build` writes the bundled UI to dist/ui.
const DEFAULT_UI_DIR = new URL(
  typeof __ALERTMESH_UI_DIR__ === 'string' ? __ALERTMESH_UI_DIR__ : '../../ui/',
  import.meta.url
)

const ASSETS: readonly (readonly [string, string])[] = [
  ['script.js', 'application/javascript; charset=utf-8'],
  ['style.css', 'text/css; charset=utf-8'],
]

function escapeAttribute(text: string): string {
  return text.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)
}

// Served when the UI was not built (a `tsc`-only build): GET / still answers 200 as
// Alertmanager's does, and says how to get the UI.
function notBuiltPage(base: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>alertmesh</title></head>
<body>
<h1>alertmesh</h1>
<p>The web UI is not built on this machine: run <code>npm run build</code> and restart the node.
The API is at <a href="${base}api/v2/status">${base}api/v2/status</a>, metrics at <a href="${base}metrics">${base}metrics</a>.</p>
</body>
</html>
`
}

/**
 * loadUiFiles reads the built web UI once at start. The page gets a `<base href>` of the route
 * prefix, so the UI's relative links and API calls work under any --web.route-prefix.
 *
 * @param routePrefix - the normalised route prefix (`/` or `/<path>`).
 * @param dir - where the built UI is; dist/ui by default.
 * @returns the files; a page that says how to build the UI when it is missing.
 */
export function loadUiFiles(routePrefix: string, dir: URL = DEFAULT_UI_DIR): UiFiles {
  const base = escapeAttribute(routePrefix === '/' ? '/' : `${routePrefix}/`)
  let page: string
  const assets = new Map<string, UiAsset>()
  try {
    page = readFileSync(new URL('index.html', dir), 'utf8').replace('%BASE_HREF%', base)
    for (const [name, contentType] of ASSETS) {
      assets.set(`/${name}`, { contentType, body: readFileSync(new URL(name, dir)) })
    }
  } catch {
    page = notBuiltPage(base)
    assets.clear()
  }
  return { indexHtml: () => page, asset: (path) => assets.get(path) }
}
