import { Page } from '../components'

// Placeholder until the page is written.
export function SilenceViewPage(_props: { readonly id: string }) {
  return <Page title="SilenceViewPage">{null}</Page>
}
