/**
 * @module nflog
 * The notification log: the last notification per aggregation group and integration, merged
 * last-writer-wins across nodes and kept on disk (Alertmanager's snapshot file plus a journal
 * flushed within a second, src/storage). May import labels, storage and util only; it satisfies notify's
 * NotificationLog structurally.
 */
export { NFLOG_PROTO, loadNflogCodec } from './codec.js'
export type { DecodeIssue, DecodeResult, NflogCodec } from './codec.js'
export { JOURNAL_FILE, SNAPSHOT_FILE } from './files.js'
export { stateKey } from './mesh-entry.js'
export type { MeshEntry, NflogEntry, NflogReceiver } from './mesh-entry.js'
export { Nflog } from './nflog.js'
export type { MergeBinaryResult, NflogOpenOptions, NflogOptions, OpenReport } from './nflog.js'
