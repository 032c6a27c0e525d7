/**
 * `check(condition, message)`: like `assert.ok`, but the message always reaches the report.
 * Cucumber's error formatter drops multi-line messages of `assert.ok` failures (it prints only
 * the false/true diff), and these messages carry the evidence: stderr, task lists, overlaps.
 */
export class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}
