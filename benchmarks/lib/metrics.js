// Metrics: the figures of a suite that are tracked over time. A suite names them with `metric()`
// and says which way is better; `bench:compare` checks them against the committed baseline and
// `bench:readme` puts the ones tagged for the scaling table into the README. A suite that names
// none (a suite written before this, or elsewhere) still gets metrics, inferred from the names
// of its numeric figures, so every results file takes part.

/**
 * @typedef {'lower' | 'higher'} Better
 * @typedef {{ table: 'tasks' | 'files', row: string, key: number, column: string }} ScalingCell
 *   where the value goes in the README's scaling tables: a row (sorted by `key`) and a column
 * @typedef {{ value: number, unit: string, better: Better, per?: string, target?: number,
 *   description?: string, scaling?: ScalingCell, inferred?: boolean }} Metric
 *   `per` names another metric of the same suite: compare treats this one as a ratio to it
 *   (a ratio of ratios), which cancels a machine that is slower as a whole today.
 *   `target`: the bound the value should stay within (below it when lower is better).
 */

/**
 * @param {number} value
 * @param {{ unit: string, better: Better, per?: string, target?: number, description?: string,
 *   scaling?: ScalingCell }} options
 * @returns {Metric}
 */
export function metric(value, options) {
  return { value, ...options };
}

/** Key endings whose figures are better lower (times, sizes, ratios to a bound or a floor). */
const LOWER = /(_ms|_us|_s|_mb|_kb|_bytes|_over_[a-z_]+|_ratio|overhead[a-z_]*)$/;
/** Key endings whose figures are better higher (rates). */
const HIGHER = /(hz|_per_s|_per_second|ops|throughput|speedup)$/;

/**
 * Metrics guessed from the numeric leaves of `figures` by their key: `_ms`, `_us`, `_mb`, `x_over_y`
 * and the like are better lower, rates better higher; others are not tracked. Array entries are
 * named by their index. Paths join with dots.
 * @param {unknown} figures @returns {Record<string, Metric>}
 */
export function inferMetrics(figures) {
  /** @type {Record<string, Metric>} */
  const metrics = {};
  const visit = (
    /** @type {unknown} */ value,
    /** @type {string} */ path,
    /** @type {string} */ key,
  ) => {
    if (typeof value === 'number' && Number.isFinite(value)) {
      const better = HIGHER.test(key) ? 'higher' : LOWER.test(key) ? 'lower' : null;
      if (better) metrics[path] = { value, unit: unitOf(key), better, inferred: true };
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}.${i}`, key));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k, k);
    }
  };
  visit(figures, '', '');
  return metrics;
}

/** @param {string} key */
function unitOf(key) {
  if (HIGHER.test(key)) return '1/s';
  const match = /_(ms|us|s|mb|kb|bytes)$/.exec(key);
  if (match) return match[1] === 'us' ? 'µs' : (match[1] ?? '');
  return 'x';
}
