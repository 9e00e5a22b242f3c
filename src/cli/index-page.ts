/**
 * indexHtml is the page served at the route prefix until the web UI lands (issue #6): it says
 * what the node is and links the API, so GET / answers 200 as Alertmanager's does.
 *
 * @param routePrefix - the normalised route prefix.
 * @returns the HTML.
 */
export function indexHtml(routePrefix: string): string {
  const base = routePrefix === '/' ? '' : routePrefix
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>alertmesh</title></head>
<body>
<h1>alertmesh</h1>
<p>Alertmanager-compatible alert router. The web UI is not built yet; the API is at
<a href="${base}/api/v2/status">${base}/api/v2/status</a>, metrics at <a href="${base}/metrics">${base}/metrics</a>.</p>
</body>
</html>
`
}
