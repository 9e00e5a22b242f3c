/**
 * Small statistics over benchmark samples.
 */

/**
 * median returns the middle value (mean of the two middle ones for an even count).
 *
 * @param values - samples; may be unsorted.
 * @returns the median, or NaN for no samples.
 * @example median([3, 1, 2]) // 2
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  if (sorted.length === 0) {
    return Number.NaN
  }
  if (sorted.length % 2 === 1) {
    return sorted[mid] ?? Number.NaN
  }
  return ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2
}

/**
 * max returns the largest value.
 *
 * @param values - samples.
 * @returns the maximum, or NaN for no samples.
 */
export function max(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.max(...values)
}

/**
 * ratio divides two optional figures.
 *
 * @param numerator - alertmesh's figure.
 * @param denominator - Alertmanager's figure.
 * @returns the ratio, or undefined when either is missing or the denominator is 0.
 */
export function ratio(
  numerator: number | undefined,
  denominator: number | undefined
): number | undefined {
  if (numerator === undefined || denominator === undefined || denominator === 0) {
    return undefined
  }
  return numerator / denominator
}
