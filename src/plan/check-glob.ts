/**
 * Globs in a plan are relative to the repository and may not leave it. This checks the text;
 * symlinks that lead out are caught when files are discovered.
 */
import picomatch from 'picomatch';

export function checkGlob(pattern: string): string | undefined {
  if (pattern.startsWith('/') || /^[A-Za-z]:[\\/]/.test(pattern)) {
    return `glob \`${pattern}\` is absolute; globs are relative to the repository root`;
  }
  if (pattern.split(/[\\/]/).includes('..')) {
    return `glob \`${pattern}\` leaves the repository (\`..\`); globs are relative to the repository root`;
  }
  try {
    picomatch.makeRe(pattern, { strictBrackets: true });
  } catch (error) {
    return `glob \`${pattern}\` is not valid: ${(error as Error).message}`;
  }
  return undefined;
}
