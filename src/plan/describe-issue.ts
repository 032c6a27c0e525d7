/**
 * Turns zod issues into messages in subplan's voice: they name the key, what was expected and
 * what was found, e.g. "expected `max_parallel` to be an integer ≥ 1, got `0`".
 */
import type { z } from 'zod';

export function keyLabel(path: readonly PropertyKey[]): string {
  let label = '';
  for (const segment of path) {
    if (typeof segment === 'number') label += `[${segment}]`;
    else label = String(segment);
  }
  return label === '' ? 'the plan' : label;
}

export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return '`null`';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = typeof value === 'string' ? JSON.stringify(value) : describePrimitive(value);
  return `\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\``;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/** Message for one zod issue; `input` is the value found at the issue's path. */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const key = `\`${keyLabel(issue.path)}\``;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return `missing required key ${key}`;
      // A schema's own message says more than the type it wanted (zod's start "Invalid input").
      if (!issue.message.startsWith('Invalid input'))
        return `${key}: ${issue.message}, got ${showValue(input)}`;
      return `expected ${key} to be ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${showValue(input)}`;
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'array')
        return `expected ${key} to have at least ${min} item${min === '1' ? '' : 's'}`;
      if (issue.origin === 'string') return `expected ${key} to be a non-empty string`;
      return `expected ${key} to be an integer ≥ ${min}, got ${showValue(input)}`;
    }
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'array') return `expected ${key} to have at most ${max} items`;
      if (issue.origin === 'string') return `expected ${key} to be at most ${max} characters long`;
      return `expected ${key} to be an integer ≤ ${max}, got ${showValue(input)}`;
    }
    case 'invalid_value':
      if (input === undefined) return `missing required key ${key}`;
      return `expected ${key} to be ${oneOf(issue.values.map((v) => `\`${String(v)}\``))}, got ${showValue(input)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `\`${k}\``).join(', ')}`;
    case 'invalid_format':
    case 'custom':
      return `${key}: ${issue.message}, got ${showValue(input)}`;
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
    case 'not_multiple_of':
      return `${key}: ${issue.message}`;
    default:
      return `${key}: ${(issue as { message: string }).message}`;
  }
}

/** Closest known key within two edits, for "did you mean" hints on typos. */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    // A shortened or extended key (`depends` for `depends_on`) counts as one edit away.
    const related = key.startsWith(unknown) || unknown.startsWith(key);
    const distance = related ? 1 : editDistance(unknown, key);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(
        current + 1,
        (row[j - 1] ?? 0) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

function describePrimitive(value: unknown): string {
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'bigint':
      return value.toString();
    default:
      return typeof value;
  }
}

/** `a`, `a or b`, `one of a, b, c`. */
function oneOf(choices: readonly string[]): string {
  return choices.length > 2 ? `one of ${choices.join(', ')}` : choices.join(' or ');
}
