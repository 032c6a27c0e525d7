/**
 * The template fields an agent's argv and a phase's prompt may hold, and the check that finds
 * likely misspellings of them. Only `{name}` with a known name is ever substituted; any other
 * braces reach the agent as written (JSON, `${VAR}` in a shell script, awk's `{print}`), so no
 * escape is needed. A `{name}` within two edits of a known field is almost surely a typo, and is
 * reported; anything farther away is left alone rather than refuse a legitimate argument.
 */
import { suggestKey } from './describe-issue.js';

/** Every field an argv element may hold; `conflicts` and `verify_output` only gate agents get. */
export const TEMPLATE_FIELDS = [
  'prompt',
  'phase',
  'subplan',
  'worktree',
  'branch',
  'run',
  'files',
  'files_file',
  'conflicts',
  'verify_output',
] as const;

export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

/** Fields filled in inside a phase's prompt: a prompt cannot hold itself. */
export const PROMPT_FIELDS: readonly TemplateField[] = TEMPLATE_FIELDS.filter(
  (field) => field !== 'prompt' && field !== 'conflicts' && field !== 'verify_output',
);

// Same shape as the substitution's; `${name}` is a shell variable, not a field.
const PLACEHOLDER = /(?<!\$)\{([a-z_]+)\}/g;

/** "unknown placeholder {fils} (did you mean {files}?)" for each likely typo in `text`. */
export function placeholderTypos(text: string, known: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [, name = ''] of text.matchAll(PLACEHOLDER)) {
    if (known.includes(name)) continue;
    const hint = suggestKey(name, known);
    if (hint !== undefined)
      problems.push(`unknown placeholder {${name}} (did you mean {${hint}}?)`);
  }
  return problems;
}
