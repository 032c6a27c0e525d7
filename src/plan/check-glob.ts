/**
 * Globs in a plan are relative to the repository and may not leave it. This checks the text;
 * symlinks that lead out are caught when the plan is loaded against a repository.
 */
import picomatch from 'picomatch';
import { repoPathProblem } from './check-paths.js';

export function checkGlob(pattern: string): string | undefined {
  const outside = repoPathProblem(pattern, 'glob');
  if (outside) return outside;
  try {
    picomatch.makeRe(pattern, { strictBrackets: true });
  } catch (error) {
    return `glob \`${pattern}\` is not valid: ${(error as Error).message}`;
  }
  return undefined;
}
