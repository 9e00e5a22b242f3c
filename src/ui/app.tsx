// The UI's frame: navigation and the page for the current hash route.
import { api } from './api'
import { usePolled } from './hooks'
import { AlertStoryPage } from './pages/alert-story'
import { AlertsPage } from './pages/alerts'
import { RoutesPage } from './pages/routes'
import { SilenceFormPage } from './pages/silence-form'
import { SilenceViewPage } from './pages/silence-view'
import { SilencesPage } from './pages/silences'
import { StatusPage } from './pages/status'
import { useRoute } from './router'
import type { Route } from './router'

const NAV: readonly {
  readonly label: string
  readonly link: string
  readonly pages: readonly Route['page'][]
}[] = [
  { label: 'Alerts', link: '#/alerts', pages: ['alerts', 'alert-story'] },
  { label: 'Silences', link: '#/silences', pages: ['silences', 'silence-view', 'silence-edit'] },
  { label: 'New silence', link: '#/silences/new', pages: ['silence-new'] },
  { label: 'Status', link: '#/status', pages: ['status'] },
  { label: 'Routing', link: '#/routes', pages: ['routes'] },
]

function CurrentPage(props: { readonly route: Route }) {
  const route = props.route
  switch (route.page) {
    case 'alerts':
      return <AlertsPage query={route.query} />
    case 'alert-story':
      return <AlertStoryPage fingerprint={route.fingerprint} />
    case 'silences':
      return <SilencesPage query={route.query} />
    case 'silence-new':
      return <SilenceFormPage key={`new:${route.query.toString()}`} query={route.query} />
    case 'silence-edit':
      return <SilenceFormPage key={`edit:${route.id}`} editId={route.id} query={route.query} />
    case 'silence-view':
      return <SilenceViewPage id={route.id} />
    case 'status':
      return <StatusPage />
    case 'routes':
      return <RoutesPage query={route.query} />
    case 'not-found':
      return (
        <section class="page">
          <h1 id="page-title">Not found</h1>
          <p>
            There is no page at <code>#{route.path}</code>. Go to the <a href="#/alerts">alerts</a>.
          </p>
        </section>
      )
  }
}

/** App is the whole UI. */
export function App() {
  const route = useRoute()
  const status = usePolled((signal) => api.status(signal), 'nav')
  const nodeName = status.data?.alertmesh?.name
  return (
    <>
      <header class="topbar">
        <a class="brand" href="#/alerts">
          alertmesh
        </a>
        <nav aria-label="main">
          <ul>
            {NAV.map((item) => (
              <li key={item.link}>
                <a
                  href={item.link}
                  aria-current={item.pages.includes(route.page) ? 'page' : undefined}
                >
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {nodeName === undefined ? null : (
          <span class="node-name" title="the node this page talks to">
            node {nodeName}
          </span>
        )}
      </header>
      <main id="main">
        <CurrentPage route={route} />
      </main>
    </>
  )
}
