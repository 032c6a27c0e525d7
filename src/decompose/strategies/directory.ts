/**
 * Directory structure: files group by the first directory below the deepest directory they all
 * share. Files sitting directly in that shared directory each form their own group, so they are
 * packed with their neighbours by size rather than forced into one bucket.
 */
import type { ScopeFile } from '../scope-file.js';
import type { Strategy } from './strategy.js';

export const directoryStrategy: Strategy = {
  name: 'directory',
  group(files) {
    const prefix = commonDirectory(files.map((f) => f.path));
    const groups = new Map<string, ScopeFile[]>();
    for (const file of files) {
      const rest = file.path.slice(prefix.length);
      const slash = rest.indexOf('/');
      const key = slash < 0 ? `\0${rest}` : rest.slice(0, slash);
      const group = groups.get(key);
      if (group) group.push(file);
      else groups.set(key, [file]);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, group]) => group);
  },
};

/** The deepest directory (with a trailing slash, or '') containing every path. */
export function commonDirectory(paths: readonly string[]): string {
  const [first, ...rest] = paths;
  if (first === undefined) return '';
  let prefix = first.slice(0, first.lastIndexOf('/') + 1);
  for (const path of rest) {
    while (prefix !== '' && !path.startsWith(prefix)) {
      prefix = prefix.slice(0, prefix.slice(0, -1).lastIndexOf('/') + 1);
    }
  }
  return prefix;
}
