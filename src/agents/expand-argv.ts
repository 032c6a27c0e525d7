/**
 * Template fields inside argv elements. Substitution is one pass over the template, so a value
 * that itself contains `{phase}` is never expanded again, and it never creates new elements:
 * the only exceptions are elements that are exactly `{files}` or `{conflicts}`, which become one
 * element per file.
 * Nothing here ever reaches a shell.
 */
import { TEMPLATE_FIELDS } from '../plan/index.js';

export interface TemplateValues {
  readonly prompt: string;
  readonly phase: string;
  readonly subplan: string;
  readonly worktree: string;
  readonly branch: string;
  readonly run: string;
  /** Repo-relative files of the task. */
  readonly files: readonly string[];
  /** Path of a file listing `files`, one per line. */
  readonly files_file: string;
  /** A conflict resolver's conflicted files; absent for other agents. */
  readonly conflicts?: readonly string[];
  /** A fix agent's file holding the failing verify output; absent for other agents. */
  readonly verify_output?: string;
}

export { TEMPLATE_FIELDS };

const FIELD = /\{([a-z_]+)\}/g;

export function expandArgv(template: readonly string[], values: TemplateValues): string[] {
  const argv: string[] = [];
  for (const element of template) {
    if (element === '{files}') {
      argv.push(...values.files);
      continue;
    }
    if (element === '{conflicts}' && values.conflicts) {
      argv.push(...values.conflicts);
      continue;
    }
    argv.push(expandText(element, values));
  }
  return argv;
}

/**
 * The phase's prompt with the same fields filled in, so `Files: {files}` names them. A prompt
 * cannot hold itself: `{prompt}` stays as written.
 */
export function expandPrompt(prompt: string, values: Omit<TemplateValues, 'prompt'>): string {
  return expandText(prompt, { ...values, prompt: '{prompt}' });
}

function expandText(text: string, values: TemplateValues): string {
  return text.replace(FIELD, (whole, name: string) => {
    if (name === 'files') return values.files.join(' ');
    if (name === 'conflicts') return values.conflicts?.join(' ') ?? whole;
    if (isField(name)) return values[name] ?? whole;
    return whole;
  });
}

function isField(
  name: string,
): name is Exclude<(typeof TEMPLATE_FIELDS)[number], 'files' | 'conflicts'> {
  return (
    (TEMPLATE_FIELDS as readonly string[]).includes(name) &&
    name !== 'files' &&
    name !== 'conflicts'
  );
}
