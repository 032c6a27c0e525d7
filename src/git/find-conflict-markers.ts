/**
 * Files where a task's commits added merge conflict markers: an agent that ran a merge, or
 * copied a conflicted file, and left `<<<<<<<` … `>>>>>>>` behind. Only added lines count, so
 * a task that resolves old markers is not blamed for them. A file is named for an added
 * `<<<<<<<` or `>>>>>>>` line; `=======` alone never names one, since it is also a Markdown or
 * reStructuredText heading underline. `git diff -G` finds the candidate files first, so a large
 * diff is never read whole.
 */
import type { Repo } from './repo.js';

const MARKER = /^(<<<<<<<|>>>>>>>)( |$)/;

export async function findConflictMarkers(
  repo: Repo,
  range: { from: string; to: string },
): Promise<string[]> {
  if (range.from === range.to) return [];
  const candidates = (
    await repo.git([
      'diff',
      '--no-ext-diff',
      '--no-renames',
      '--name-only',
      '-z',
      '-G^(<<<<<<<|>>>>>>>)( |$)',
      range.from,
      range.to,
    ])
  )
    .split('\0')
    .filter((file) => file !== '');
  const found: string[] = [];
  for (const file of candidates) {
    const diff = await repo.git([
      'diff',
      '--no-ext-diff',
      '--no-renames',
      '--no-color',
      '--unified=0',
      range.from,
      range.to,
      '--',
      `:(literal)${file}`,
    ]);
    const added = diff
      .split('\n')
      .filter((line) => line.startsWith('+') && !line.startsWith('+++ '))
      .map((line) => line.slice(1));
    if (added.some((line) => MARKER.test(line))) found.push(file);
  }
  return found.sort();
}
