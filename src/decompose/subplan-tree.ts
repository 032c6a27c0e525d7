/**
 * A phase's decomposition: a tree whose leaves hold disjoint sets of files. Ids are the phase id
 * for the root and `<parent>.<n>` (1-based, in order) below it, so they are stable for the same
 * input and safe inside branch names.
 */

/** Why a node that is over a limit was kept as a leaf anyway. */
export type LeafGuard = 'min-files' | 'max-depth' | 'no-progress';

export interface SubplanNode {
  readonly id: string;
  readonly depth: number;
  /** Every file under this node, repo-relative, sorted. */
  readonly files: readonly string[];
  /** Estimated tokens of those files (bytes / 4). */
  readonly tokens: number;
  /** Empty for a leaf. */
  readonly children: readonly SubplanNode[];
  /** Set on a leaf that breaks a size limit, saying which guard stopped the split. */
  readonly guard?: LeafGuard;
}

export function isLeaf(node: SubplanNode): boolean {
  return node.children.length === 0;
}

/** Leaves in id order (depth-first, children in order). */
export function leavesOf(node: SubplanNode): SubplanNode[] {
  return isLeaf(node) ? [node] : node.children.flatMap(leavesOf);
}

/** Every node, parents before children. */
export function nodesOf(node: SubplanNode): SubplanNode[] {
  return [node, ...node.children.flatMap(nodesOf)];
}

/** Depth of the deepest leaf below `node`, counting `node` itself as depth 0. */
export function treeHeight(node: SubplanNode): number {
  return isLeaf(node) ? 0 : 1 + Math.max(...node.children.map(treeHeight));
}
