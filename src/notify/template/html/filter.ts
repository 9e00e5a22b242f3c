/** FILTER_FAILSAFE is what a filter outputs for an unsafe value (Go's filterFailsafe). */
export const FILTER_FAILSAFE = 'ZgotmplZ'
