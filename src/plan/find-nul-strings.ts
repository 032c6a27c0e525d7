/**
 * A NUL character cannot be passed in a process's argv or environment, so a plan string holding
 * one (a raw byte, or YAML's `"\0"` escape) would only fail later, when an agent starts.
 */
import type { YamlPath } from './yaml-source.js';

/** Paths of every string (key or value) in `root` that contains a NUL character. */
export function findNulStrings(root: unknown): YamlPath[] {
  const found: YamlPath[] = [];
  const stack: { value: unknown; path: YamlPath }[] = [{ value: root, path: [] }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { value, path } = top;
    if (typeof value === 'string') {
      if (value.includes('\0')) found.push(path);
    } else if (Array.isArray(value)) {
      value.forEach((item: unknown, index) => stack.push({ value: item, path: [...path, index] }));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\0')) found.push(path);
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return found.reverse();
}
