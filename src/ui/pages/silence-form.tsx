import { Page } from '../components'

// Placeholder until the page is written.
export function SilenceFormPage(props: {
  readonly query: URLSearchParams
  readonly editId?: string
}) {
  return <Page title={props.editId === undefined ? 'New silence' : 'Edit silence'}>{null}</Page>
}
