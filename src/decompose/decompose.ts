/**
 * Cuts a set of files into a SubplanTree.
 *
 * A node is a leaf when it is within both size limits (files and estimated tokens), when it holds
 * fewer than `minFiles` files, or when it sits at `maxDepth`. Otherwise the strategies are asked,
 * in order, for groups of files that belong together; the first that proposes two or more groups
 * wins, and its groups are packed into balanced parts (so the tree is not a dust of tiny leaves).
 * When no strategy separates anything, the files are cut into balanced chunks in path order. Non-progress guard: every split has at least two non-empty parts, so each child is
 * strictly smaller than its parent and recursion never repeats a set; a set that cannot be split
 * at all (one huge file) is a leaf marked `no-progress`.
 */
import { estimateTokens } from './scope-file.js';
import type { ScopeFile } from './scope-file.js';
import type { Strategy } from './strategies/strategy.js';
import type { LeafGuard, SubplanNode } from './subplan-tree.js';

export interface DecomposeLimits {
  /** @default 25 */
  readonly maxFiles: number;
  /** @default 3 */
  readonly minFiles: number;
  /** @default 60000 */
  readonly maxTokens: number;
  /** @default 5 */
  readonly maxDepth: number;
  /** Children of one node at most: merges stay small, and large scopes grow deep, not wide. @default 8 */
  readonly maxChildren: number;
}

export const DEFAULT_LIMITS: DecomposeLimits = {
  maxFiles: 25,
  minFiles: 3,
  maxTokens: 60_000,
  maxDepth: 5,
  maxChildren: 8,
};

export function decomposeFiles(
  rootId: string,
  files: readonly ScopeFile[],
  limits: DecomposeLimits,
  strategies: readonly Strategy[],
): SubplanNode {
  return buildNode(rootId, 0, files, limits, strategies);
}

function buildNode(
  id: string,
  depth: number,
  files: readonly ScopeFile[],
  limits: DecomposeLimits,
  strategies: readonly Strategy[],
): SubplanNode {
  // Sorted at every node: parts come out in group order, and ids must not depend on input order.
  const sorted = [...files].sort(byPath);
  const tokens = sumTokens(sorted);
  const paths = sorted.map((f) => f.path);
  const withinLimits = files.length <= limits.maxFiles && tokens <= limits.maxTokens;
  const leaf = (guard?: LeafGuard): SubplanNode => ({
    id,
    depth,
    files: paths,
    tokens,
    children: [],
    ...(guard && { guard }),
  });
  if (withinLimits) return leaf();
  if (files.length < limits.minFiles) return leaf('min-files');
  if (depth >= limits.maxDepth) return leaf('max-depth');
  const parts = splitFiles(sorted, limits, strategies);
  if (parts.length < 2) return leaf('no-progress');
  return {
    id,
    depth,
    files: paths,
    tokens,
    children: parts.map((part, index) =>
      buildNode(`${id}.${index + 1}`, depth + 1, part, limits, strategies),
    ),
  };
}

/**
 * Parts for one node: as many as the limits need (at least 2), at most `maxChildren`. A strategy's
 * groups are refined, largest oversized group first, until there are enough of them to fill the
 * parts; then they are packed in order into balanced parts. Refining keeps the tree shallow (40
 * files under nested directories become 2 leaves, not a chain of single-directory nodes), and the
 * cap on children is what makes large scopes deep rather than one node with hundreds of leaves.
 */
function splitFiles(
  files: readonly ScopeFile[],
  limits: DecomposeLimits,
  strategies: readonly Strategy[],
): ScopeFile[][] {
  const parts = targetParts(files, limits);
  for (const strategy of strategies) {
    const groups = strategy.group(files).filter((group) => group.length > 0);
    if (groups.length < 2) continue;
    const packed = packGroups(refineGroups(groups, parts, limits, strategy), parts, limits);
    if (packed.length >= 2) return packed;
  }
  return chunkFiles(files, limits);
}

function targetParts(files: readonly ScopeFile[], limits: DecomposeLimits): number {
  const needed = Math.ceil(
    Math.max(files.length / limits.maxFiles, sumTokens(files) / limits.maxTokens),
  );
  return Math.max(2, Math.min(limits.maxChildren, needed));
}

function refineGroups(
  groups: readonly ScopeFile[][],
  parts: number,
  limits: DecomposeLimits,
  strategy: Strategy,
): ScopeFile[][] {
  const result = [...groups];
  const settled = new Set<ScopeFile[]>();
  const share = result.reduce((sum, group) => sum + weight(group, limits), 0) / parts;
  // A group far above its share (and over a limit) would make one child much heavier than its
  // siblings; cutting it along the strategy's finer structure lets the parts come out even.
  for (;;) {
    let largest: ScopeFile[] | undefined;
    for (const group of result) {
      const w = weight(group, limits);
      if (settled.has(group) || w <= 1 || w <= share * 1.5) continue;
      if (!largest || w > weight(largest, limits)) largest = group;
    }
    if (!largest) return result;
    const finer = strategy.group(largest).filter((group) => group.length > 0);
    if (finer.length < 2) settled.add(largest);
    else result.splice(result.indexOf(largest), 1, ...finer);
  }
}

/**
 * Packs groups, in their order, into about `parts` contiguous parts of even weight (weight: the
 * larger of files / maxFiles and tokens / maxTokens). A part closes when the next group would
 * take it further past its share than stopping short would leave it.
 */
export function packGroups(
  groups: readonly (readonly ScopeFile[])[],
  parts: number,
  limits: DecomposeLimits,
): ScopeFile[][] {
  const result: ScopeFile[][] = [];
  let remainingWeight = groups.reduce((sum, group) => sum + weight(group, limits), 0);
  let remainingParts = parts;
  let share = remainingWeight / remainingParts;
  let current: ScopeFile[] = [];
  let currentWeight = 0;
  for (const group of groups) {
    const groupWeight = weight(group, limits);
    if (current.length > 0 && remainingParts > 1 && currentWeight + groupWeight / 2 > share) {
      result.push(current);
      remainingWeight -= currentWeight;
      remainingParts--;
      share = remainingWeight / remainingParts;
      current = [];
      currentWeight = 0;
    }
    current.push(...group);
    currentWeight += groupWeight;
  }
  if (current.length > 0) result.push(current);
  return absorbDust(result, limits);
}

/**
 * A part with fewer than `minFiles` files joins its lighter neighbour when the two still fit in
 * one leaf: tiny leaves cost an agent start and a merge each for little work. When neither
 * neighbour has room (25 files of one folder and 1 more, at 25 a leaf), the part and its lighter
 * neighbour are cut again into two even halves.
 */
function absorbDust(parts: ScopeFile[][], limits: DecomposeLimits): ScopeFile[][] {
  const result = [...parts];
  for (let i = 0; i < result.length; i++) {
    const part = result[i];
    if (!part || part.length >= limits.minFiles) continue;
    const neighbours = [i - 1, i + 1]
      .map((j) => ({ j, other: result[j] }))
      .filter((n): n is { j: number; other: ScopeFile[] } => n.other !== undefined)
      .sort((a, b) => weight(a.other, limits) - weight(b.other, limits));
    const into = neighbours.find((n) => weight([...n.other, ...part], limits) <= 1);
    if (into && result.length > 2) {
      result[into.j] = into.j < i ? [...into.other, ...part] : [...part, ...into.other];
      result.splice(i, 1);
      i--;
      continue;
    }
    const lighter = neighbours[0];
    if (into || !lighter) continue;
    const [first, second] = lighter.j < i ? [lighter.j, i] : [i, lighter.j];
    const halves = evenHalves([...(result[first] ?? []), ...(result[second] ?? [])], limits);
    if (halves) result.splice(first, 2, ...halves);
  }
  return result;
}

/**
 * Two consecutive halves of `files` with at least `minFiles` each, cut where the heavier half is
 * lightest; undefined when there are too few files for that.
 */
function evenHalves(
  files: readonly ScopeFile[],
  limits: DecomposeLimits,
): [ScopeFile[], ScopeFile[]] | undefined {
  const tokensBefore = [0];
  for (const file of files)
    tokensBefore.push((tokensBefore.at(-1) ?? 0) + estimateTokens(file.bytes));
  const total = tokensBefore.at(-1) ?? 0;
  const weightOf = (count: number, tokens: number) =>
    Math.max(count / limits.maxFiles, tokens / limits.maxTokens);
  let best: { cut: number; heavier: number } | undefined;
  for (let cut = limits.minFiles; cut <= files.length - limits.minFiles; cut++) {
    const before = tokensBefore[cut] ?? 0;
    const heavier = Math.max(weightOf(cut, before), weightOf(files.length - cut, total - before));
    if (!best || heavier < best.heavier) best = { cut, heavier };
  }
  return best && [files.slice(0, best.cut), files.slice(best.cut)];
}

/** Balanced consecutive chunks in path order: the fallback when no structure separates files. */
export function chunkFiles(files: readonly ScopeFile[], limits: DecomposeLimits): ScopeFile[][] {
  return packGroups(
    files.map((file) => [file]),
    targetParts(files, limits),
    limits,
  );
}

/** How much of one leaf a set of files fills: 1 is exactly at a limit. */
function weight(files: readonly ScopeFile[], limits: DecomposeLimits): number {
  return Math.max(files.length / limits.maxFiles, sumTokens(files) / limits.maxTokens);
}

function byPath(a: ScopeFile, b: ScopeFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function sumTokens(files: readonly ScopeFile[]): number {
  let total = 0;
  for (const file of files) total += estimateTokens(file.bytes);
  return total;
}
