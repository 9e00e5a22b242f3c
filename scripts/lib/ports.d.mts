// Types of ports.mjs (see there) for the TypeScript tests and benchmarks.

/** portFree tells whether a port on 127.0.0.1 is free for both TCP and UDP now. */
export function portFree(port: number): Promise<boolean>
/** freePorts picks `count` distinct ports, each free for TCP and UDP, below the ephemeral range. */
export function freePorts(count: number): Promise<number[]>
/** freePort picks one such port, never one it handed out before in this process. */
export function freePort(): Promise<number>
