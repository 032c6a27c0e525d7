/** The JSON form of a SubplanTree, shared by `subplan decompose --json` and `subplan plan --json`. */
import type { SubplanNode } from './subplan-tree.js';

export interface SubplanNodeJson {
  readonly id: string;
  readonly depth: number;
  readonly file_count: number;
  readonly tokens: number;
  readonly children: readonly SubplanNodeJson[];
  /** Leaves only: repo-relative paths. */
  readonly files?: readonly string[];
  /** Leaves over a limit only: the guard that kept them whole. */
  readonly guard?: string;
}

export function subplanTreeJson(node: SubplanNode): SubplanNodeJson {
  const leaf = node.children.length === 0;
  return {
    id: node.id,
    depth: node.depth,
    file_count: node.files.length,
    tokens: node.tokens,
    children: node.children.map(subplanTreeJson),
    ...(leaf && { files: node.files }),
    ...(node.guard && { guard: node.guard }),
  };
}

/** An indented outline for terminals: one line per node with its size. */
export function formatSubplanTree(node: SubplanNodeJson): string {
  const lines: string[] = [];
  const visit = (current: SubplanNodeJson): void => {
    const leaf = current.children.length === 0;
    const size = `${current.file_count} file${current.file_count === 1 ? '' : 's'}, ~${current.tokens} tokens`;
    const guard = current.guard ? ` [${current.guard}]` : '';
    lines.push(
      `${'  '.repeat(current.depth)}${current.id}  (${size})${leaf ? '' : `, ${current.children.length} parts`}${guard}`,
    );
    current.children.forEach(visit);
  };
  visit(node);
  return lines.join('\n');
}
