/**
 * @module storage
 * Durable state on disk, shared by the silences and the notification log: a snapshot in
 * Alertmanager's format plus a journal of the records changed since, written with grouped
 * fsyncs, compacted by atomic rename, and read back with damaged files kept as `<file>.corrupt`
 * (docs/architecture.md, "Durability"). Also the protobuf schema both formats borrow. Imports
 * nothing from other src folders except src/util.
 */
export { DurableStore, SNAPSHOT_SLICE_MS, encodeInSlices } from './durable-store.js'
export type { DurableStoreEvents, DurableStoreOptions } from './durable-store.js'
export { issueText, keepCorruptCopy, loadStoreFiles, readStoreFile } from './files.js'
export type {
  DecodedRecords,
  LoadEvents,
  LoadOptions,
  LoadedFiles,
  RecordIssue,
  StoreFile,
} from './files.js'
export { TIMESTAMP_PROTO } from './schema.js'
