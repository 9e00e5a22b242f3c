/** NflogReceiver identifies an integration of a receiver (nflogpb.Receiver). */
export interface NflogReceiver {
  readonly groupName: string
  readonly integration: string
  readonly idx: number
}

/** NflogEntry is one notification as logged (nflogpb.Entry). Times are epoch ms. */
export interface NflogEntry {
  readonly groupKey: string
  readonly receiver: NflogReceiver
  readonly timestamp: number
  readonly firingAlerts: readonly bigint[]
  readonly resolvedAlerts: readonly bigint[]
}

/** MeshEntry is an entry with its expiry (nflogpb.MeshEntry), the unit of merge and snapshot. */
export interface MeshEntry {
  readonly entry: NflogEntry
  readonly expiresAt: number
}

/**
 * stateKey is the nflog key of an entry: `<group key>:<receiver>/<integration>/<idx>`.
 *
 * @param groupKey - the aggregation group's key.
 * @param receiver - the integration's identity.
 * @returns the key.
 */
export function stateKey(groupKey: string, receiver: NflogReceiver): string {
  return `${groupKey}:${receiver.groupName}/${receiver.integration}/${receiver.idx}`
}
