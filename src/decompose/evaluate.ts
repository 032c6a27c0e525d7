/**
 * How good a cut is, measured on history it has not seen. The repository is decomposed as it was
 * N non-merge commits ago, using only the history before that point; then each of the N later
 * commits that touches at least 2 files of the tree counts as cut when its files fall in more
 * than one leaf. The cross-cut rate is the share of such commits: it is how often parallel
 * agents working on those leaves would have needed each other's changes. Lower is better at a
 * similar number of leaves.
 */
import { UsageError } from '../core/index.js';
import type { Repo } from '../git/index.js';
import type { DecomposeSettings, DecomposeStrategyName } from '../plan/index.js';
import { decomposeScope, readSignals } from './decompose-scope.js';
import { listCommitFiles, matchScope } from './discover-files.js';
import { leavesOf } from './subplan-tree.js';
import type { SubplanNode } from './subplan-tree.js';

export interface StrategyEvaluation {
  readonly strategy: DecomposeStrategyName;
  readonly leaves: number;
  /** Window commits touching at least 2 files of the tree. */
  readonly eligible_commits: number;
  readonly crosscut_commits: number;
  /** crosscut / eligible; null when no commit was eligible. */
  readonly crosscut_rate: number | null;
}

export interface DecompositionEvaluation {
  readonly schema_version: 1;
  readonly base_commit: string;
  readonly window: number;
  readonly files: number;
  readonly results: readonly StrategyEvaluation[];
}

export async function evaluateDecomposition(options: {
  repo: Repo;
  head: string;
  window: number;
  globs: readonly string[];
  settings: Omit<DecomposeSettings, 'strategy'>;
  strategies: readonly DecomposeStrategyName[];
}): Promise<DecompositionEvaluation> {
  const { repo, window } = options;
  const commits = (
    await repo.git(['rev-list', '--no-merges', '-n', String(window + 1), options.head, '--'])
  )
    .split('\n')
    .filter(Boolean);
  const base = commits[window];
  if (base === undefined) {
    throw new UsageError(
      `--evaluate ${window} needs ${window + 1} non-merge commits; ${options.head} has ${commits.length}`,
    );
  }
  const windowFiles = await filesOfCommits(repo, commits.slice(0, window));
  const allFiles = await listCommitFiles(repo, base);
  const scope = matchScope(allFiles, options.globs);
  const signals = await readSignals({
    repo,
    commit: base,
    strategies: options.strategies,
    scope,
    allFiles,
  });
  const results = options.strategies.map((strategy) => {
    const tree = decomposeScope('root', scope, { ...options.settings, strategy }, signals);
    return { strategy, ...crosscut(tree, windowFiles) };
  });
  return { schema_version: 1, base_commit: base, window, files: scope.length, results };
}

/** Files changed by each of `commits` (non-merge), in one git call. */
async function filesOfCommits(repo: Repo, commits: readonly string[]): Promise<string[][]> {
  if (commits.length === 0) return [];
  const output = await repo.git([
    'log',
    '--no-walk=unsorted',
    '--no-renames',
    '--name-only',
    '--format=%x01',
    ...commits,
    '--',
  ]);
  return output
    .split('\x01')
    .slice(1)
    .map((block) => block.split('\n').filter((line) => line !== ''));
}

export function crosscut(
  tree: SubplanNode,
  commits: readonly (readonly string[])[],
): Omit<StrategyEvaluation, 'strategy'> {
  const leafOf = new Map<string, string>();
  const leaves = leavesOf(tree);
  for (const leaf of leaves) for (const file of leaf.files) leafOf.set(file, leaf.id);
  let eligible = 0;
  let cut = 0;
  for (const files of commits) {
    const touched = files
      .map((file) => leafOf.get(file))
      .filter((leaf): leaf is string => leaf !== undefined);
    if (touched.length < 2) continue;
    eligible++;
    if (new Set(touched).size > 1) cut++;
  }
  return {
    leaves: leaves.length,
    eligible_commits: eligible,
    crosscut_commits: cut,
    crosscut_rate: eligible === 0 ? null : cut / eligible,
  };
}
