/**
 * zod can report two bounds for one value: `z.int()` carries its own safe-integer bound beside
 * the schema's `.max()`. The user needs one line per problem, so only the tightest bound of each
 * kind is kept for a path.
 */
import type { z } from 'zod';

export function tightestIssues(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const kept = new Map<string, z.core.$ZodIssue>();
  const rest: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if (issue.code !== 'too_big' && issue.code !== 'too_small') {
      rest.push(issue);
      continue;
    }
    const key = `${issue.code}\u0000${issue.path.map(String).join('\u0000')}`;
    const earlier = kept.get(key);
    if (!earlier || isTighter(issue, earlier)) kept.set(key, issue);
  }
  return [...rest, ...kept.values()];
}

function isTighter(issue: z.core.$ZodIssue, than: z.core.$ZodIssue): boolean {
  if (issue.code === 'too_big' && than.code === 'too_big')
    return Number(issue.maximum) < Number(than.maximum);
  if (issue.code === 'too_small' && than.code === 'too_small')
    return Number(issue.minimum) > Number(than.minimum);
  return false;
}
