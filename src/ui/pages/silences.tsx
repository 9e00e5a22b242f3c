import { Page } from '../components'

// Placeholder until the page is written.
export function SilencesPage(_props: { readonly query: URLSearchParams }) {
  return <Page title="SilencesPage">{null}</Page>
}
