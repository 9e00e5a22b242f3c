// The tests' poll loop and process readiness helpers are the scripts' own
// (scripts/lib/ready.mjs): one implementation for test/, bench/ and scripts/.
export { exitOf, httpOk, spawnUntilReady, untilReady, waitFor } from '#scripts/lib/ready.mjs'
export type { ExitInfo, ReadyChild, WaitOptions } from '#scripts/lib/ready.mjs'
