import { Page } from '../components'

// Placeholder until the page is written.
export function StatusPage() {
  return <Page title="StatusPage">{null}</Page>
}
