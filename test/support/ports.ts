// The tests' port picker is the scripts' (scripts/lib/ports.mjs says why its ports come from
// below the kernel's ephemeral range, free for TCP and UDP): one picker for test/, bench/ and
// scripts/.
export { freePort, freePorts } from '#scripts/lib/ports.mjs'
