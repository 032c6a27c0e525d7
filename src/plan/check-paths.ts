/**
 * Paths and globs a plan names are relative to the repository and may not leave it. This is the
 * check on the text, for any plan field that names repository files (`files` today); symlinks
 * that lead out are found by `check-symlinks.ts` once the repository is known.
 */
import picomatch from 'picomatch';

/**
 * Why `value` would point outside the repository, or undefined. `noun` names the field's kind
 * in the message (`glob`, `path`).
 */
export function repoPathProblem(value: string, noun: string): string | undefined {
  if (value.startsWith('/') || value.startsWith('\\\\') || /^[A-Za-z]:[\\/]/.test(value)) {
    return `${noun} \`${value}\` is absolute; ${noun}s are relative to the repository root`;
  }
  // Backslashes both separate (Windows spelling) and escape (glob syntax): try both readings.
  if (value.split(/[\\/]/).includes('..') || value.split('/').some(isParentSegment)) {
    return `${noun} \`${value}\` leaves the repository (\`..\`); ${noun}s are relative to the repository root`;
  }
  return undefined;
}

/**
 * `..`, also when spelled with glob syntax that can only mean it (`\.\.`, `[.][.]`, `.{.,}`).
 * Wildcards are left alone: `.*` is a fair glob for dotfiles, and what a glob matches comes from
 * git's list of files, which never holds `..`.
 */
function isParentSegment(segment: string): boolean {
  if (segment === '..') return true;
  if (!segment.includes('.') || /[*?]/.test(segment)) return false;
  try {
    return picomatch.makeRe(segment, { dot: true }).test('..');
  } catch {
    return false;
  }
}
