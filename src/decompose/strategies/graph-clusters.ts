/**
 * Clusters files along the edges of a FileGraph: strongest edges first, two clusters join while
 * the result still fits in one leaf (files and tokens), so strongly related files end up in the
 * same leaf and weak links are the ones cut. Neighbouring files in path order are joined by faint
 * edges that grow with the depth of the directory they share, so files without any signal still
 * group along the folder tree rather than scatter. Clusters come back ordered by their first path.
 *
 * A set with no real edge at all is returned whole: the graph has nothing to say about it, and
 * the directory strategy that follows cuts it along the folder tree instead of into leaf-sized
 * runs of the sorted list.
 */
import type { DecomposeLimits } from '../decompose.js';
import type { FileGraph } from '../file-graph.js';
import { estimateTokens } from '../scope-file.js';
import type { ScopeFile } from '../scope-file.js';
import type { Strategy } from './strategy.js';

/** Far below any real signal: one co-change in a commit of 100 files weighs 1e-2. */
const FOLDER_WEIGHT_PER_LEVEL = 1e-7;

export function graphStrategy(name: string, graph: FileGraph, limits: DecomposeLimits): Strategy {
  return {
    name,
    group(files) {
      const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const index = new Map(sorted.map((file, i) => [file.path, i]));
      const folders = sorted.map((file) => file.path.split('/').slice(0, -1));
      // [weight, folders shared, i, j]
      const edges: [number, number, number, number][] = [];
      sorted.forEach((file, i) => {
        for (const [other, weight] of graph.neighbours(file.path)) {
          const j = index.get(other);
          if (j !== undefined && i < j)
            edges.push([weight, sharedDepth(folders[i] ?? [], folders[j] ?? []), i, j]);
        }
      });
      if (edges.length === 0) return [[...files]];
      sorted.forEach((_, i) => {
        if (i + 1 < sorted.length) {
          const shared = sharedDepth(folders[i] ?? [], folders[i + 1] ?? []);
          edges.push([FOLDER_WEIGHT_PER_LEVEL * (1 + shared), shared, i, i + 1]);
        }
      });
      // Equal weights say nothing about which pair belongs closer (one commit that touched every
      // file links them all alike): the folder tree decides, then path order.
      edges.sort((a, b) => b[0] - a[0] || b[1] - a[1] || a[2] - b[2] || a[3] - b[3]);
      const parent = sorted.map((_, i) => i);
      const count = sorted.map(() => 1);
      const tokens = sorted.map((file) => estimateTokens(file.bytes));
      const find = (i: number): number => {
        let root = i;
        while (parent[root] !== root) root = parent[root] as number;
        while (parent[i] !== root) {
          const next = parent[i] as number;
          parent[i] = root;
          i = next;
        }
        return root;
      };
      for (const [, , a, b] of edges) {
        const ra = find(a);
        const rb = find(b);
        if (ra === rb) continue;
        const files = (count[ra] as number) + (count[rb] as number);
        const size = (tokens[ra] as number) + (tokens[rb] as number);
        if (files > limits.maxFiles || size > limits.maxTokens) continue;
        const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
        parent[drop] = keep;
        count[keep] = files;
        tokens[keep] = size;
      }
      const clusters = new Map<number, ScopeFile[]>();
      sorted.forEach((file, i) => {
        const root = find(i);
        const cluster = clusters.get(root);
        if (cluster) cluster.push(file);
        else clusters.set(root, [file]);
      });
      // Roots are the smallest index of each cluster, so map order is first-path order.
      return [...clusters.entries()].sort(([a], [b]) => a - b).map(([, cluster]) => cluster);
    },
  };
}

/** Number of directories two files' folders share from the root. */
function sharedDepth(left: readonly string[], right: readonly string[]): number {
  let depth = 0;
  while (depth < left.length && depth < right.length && left[depth] === right[depth]) depth++;
  return depth;
}
