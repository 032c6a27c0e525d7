/**
 * Co-change from history: files changed in the same commit belong together. Each commit adds
 * 1 / (n - 1) to every pair of its n files, so a commit that touches everything says little
 * about any pair; commits over `maxFilesPerCommit` are skipped (mass renames, formatting).
 */
import type { Repo } from '../git/index.js';
import { FileGraph } from './file-graph.js';

export interface CochangeOptions {
  /** @default 10000 */
  readonly maxCommits?: number;
  /** @default 100 */
  readonly maxFilesPerCommit?: number;
}

/** File lists of the non-merge commits reachable from `commit`, newest first. */
export async function readCommitFiles(
  repo: Repo,
  commit: string,
  maxCommits = 10_000,
): Promise<string[][]> {
  const output = await repo.git([
    'log',
    '--no-merges',
    '--no-renames',
    '--name-only',
    '--format=%x01',
    '-n',
    String(maxCommits),
    commit,
    '--',
  ]);
  return output
    .split('\x01')
    .map((block) => block.split('\n').filter((line) => line !== ''))
    .filter((files) => files.length > 0);
}

export function cochangeGraph(
  commits: readonly (readonly string[])[],
  scope: ReadonlySet<string>,
  options: CochangeOptions = {},
): FileGraph {
  const graph = new FileGraph();
  const maxFiles = options.maxFilesPerCommit ?? 100;
  for (const files of commits) {
    const inScope = files.filter((file) => scope.has(file));
    if (inScope.length < 2 || files.length > maxFiles) continue;
    const weight = 1 / (inScope.length - 1);
    for (let i = 0; i < inScope.length; i++) {
      for (let j = i + 1; j < inScope.length; j++)
        graph.addEdge(inScope[i] as string, inScope[j] as string, weight);
    }
  }
  return graph;
}
