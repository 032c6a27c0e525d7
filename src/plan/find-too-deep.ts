/**
 * A plan is a few levels deep (plan → phases → phase → agent → command). Documents nested far
 * deeper are hostile or broken, and walking them recursively could exhaust the stack, so this
 * walk is iterative and stops at the first node past the limit.
 */
import { isAlias, isCollection, isPair } from 'yaml';
import type { Node } from 'yaml';

/** Lists and mappings nested deeper than this are rejected. */
export const MAX_NESTING = 32;

/** The first collection nested deeper than `MAX_NESTING`, if any. Aliases are not followed. */
export function findTooDeep(root: Node | null): Node | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 0 }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { node, depth } = top;
    if (isAlias(node) || !isCollection(node)) continue;
    if (depth >= MAX_NESTING) return node;
    for (const item of node.items) {
      if (isPair(item)) {
        stack.push({ node: item.key, depth: depth + 1 }, { node: item.value, depth: depth + 1 });
      } else {
        stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
  return undefined;
}
