// The webhook URL refusals msteams_configs and msteamsv2_configs share, as rows of their
// `refuses <name>` tables: [name, receiver entry, what the error must contain].

/** WEBHOOK_URL_REFUSALS: no URL, both URL and file, a URL SecretURL refuses. */
export const WEBHOOK_URL_REFUSALS: readonly (readonly [string, string, string])[] = [
  // Neither the URL nor its file.
  ['no URL', '  - title: t\n', 'one of webhook_url or webhook_url_file must be configured'],
  // Both.
  [
    'both URL and file',
    "  - webhook_url: 'https://x.example/a'\n    webhook_url_file: /f\n",
    'at most one of webhook_url & webhook_url_file must be configured',
  ],
  // A URL Alertmanager's SecretURL refuses.
  ['a non-http URL', "  - webhook_url: 'ftp://x.example/a'\n", 'unsupported scheme "ftp" for URL'],
]
