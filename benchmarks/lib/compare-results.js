// Comparing one suite's results with its baseline, metric by metric: the ratio of the current
// value to the baseline's, turned so that above 1 is always worse, and a verdict against the
// threshold. A metric with `per` is compared as a ratio to that other metric (a ratio of ratios).

/**
 * @typedef {import('./metrics.js').Metric} Metric
 * @typedef {{ suite: string, metrics?: Record<string, Metric> }} Results
 * @typedef {{ metric: string, better: 'lower' | 'higher', unit: string, baseline: number | null,
 *   current: number | null, per: string | null, worse_by: number | null,
 *   verdict: 'ok' | 'better' | 'regression' | 'missing' | 'new' }} Comparison
 *   `worse_by`: current over baseline (normalized by `per` when given), inverted when higher is
 *   better, so 1.25 means 25% worse whichever way the metric points.
 */

/**
 * @param {Results} baseline @param {Results | null} current
 * @param {{ threshold: number }} options a regression is worse by more than `threshold` (0.2 = 20%)
 * @returns {Comparison[]}
 */
export function compareResults(baseline, current, { threshold }) {
  const before = baseline.metrics ?? {};
  const after = current?.metrics ?? {};
  /** @type {Comparison[]} */
  const rows = [];
  for (const [name, base] of Object.entries(before)) {
    const now = after[name];
    const per = base.per ?? null;
    const row = {
      metric: name,
      better: base.better,
      unit: base.unit,
      baseline: base.value,
      current: now?.value ?? null,
      per,
    };
    const baseValue = normalized(base, before);
    const nowValue = now ? normalized(now, after) : null;
    if (nowValue === null || baseValue === null || baseValue === 0) {
      rows.push({ ...row, worse_by: null, verdict: now ? 'ok' : 'missing' });
      continue;
    }
    const ratio = nowValue / baseValue;
    const worseBy = base.better === 'lower' ? ratio : 1 / ratio;
    const verdict =
      worseBy > 1 + threshold ? 'regression' : worseBy < 1 / (1 + threshold) ? 'better' : 'ok';
    rows.push({ ...row, worse_by: Math.round(worseBy * 1000) / 1000, verdict });
  }
  for (const [name, now] of Object.entries(after)) {
    if (name in before) continue;
    rows.push({
      metric: name,
      better: now.better,
      unit: now.unit,
      baseline: null,
      current: now.value,
      per: now.per ?? null,
      worse_by: null,
      verdict: 'new',
    });
  }
  return rows;
}

/**
 * The value compared: itself, or its ratio to the metric named by `per` in the same suite;
 * null when that one is missing or zero.
 * @param {Metric} m @param {Record<string, Metric>} all
 */
function normalized(m, all) {
  if (!Number.isFinite(m.value)) return null;
  if (!m.per) return m.value;
  const by = all[m.per]?.value;
  return by === undefined || !Number.isFinite(by) || by === 0 ? null : m.value / by;
}
