import { Page } from '../components'

// Placeholder until the page is written.
export function AlertsPage(_props: { readonly query: URLSearchParams }) {
  return <Page title="AlertsPage">{null}</Page>
}
