/** Decomposes a phase's scope with its settings: the entry point the orchestrator and CLI use. */
import type { Repo } from '../git/index.js';
import type { DecomposeSettings, DecomposeStrategyName } from '../plan/index.js';
import { cochangeGraph, readCommitFiles } from './cochange-graph.js';
import { decomposeFiles } from './decompose.js';
import { buildImportGraph } from './import-graph.js';
import type { ScopeFile } from './scope-file.js';
import { signalsNeeded, strategiesFor } from './strategies/choose-strategies.js';
import type { DecomposeSignals } from './strategies/choose-strategies.js';
import type { SubplanNode } from './subplan-tree.js';

export function decomposeScope(
  rootId: string,
  files: readonly ScopeFile[],
  settings: DecomposeSettings,
  signals: DecomposeSignals = {},
): SubplanNode {
  return decomposeFiles(
    rootId,
    files,
    settings,
    strategiesFor(settings.strategy, signals, settings),
  );
}

/**
 * Reads what the strategies need from the repository at `commit`: imports of the scope files
 * (from that commit's blobs) and co-change from the history that leads to it.
 */
export async function readSignals(options: {
  repo: Repo;
  commit: string;
  strategies: readonly DecomposeStrategyName[];
  scope: readonly ScopeFile[];
  allFiles: readonly ScopeFile[];
}): Promise<DecomposeSignals> {
  const need = options.strategies.map(signalsNeeded);
  const paths = [...new Set(options.scope.map((f) => f.path))];
  const all = new Set(options.allFiles.map((f) => f.path));
  const imports = need.some((n) => n.imports)
    ? await buildImportGraph(options.repo, options.commit, paths, all)
    : undefined;
  const cochange = need.some((n) => n.cochange)
    ? cochangeGraph(await readCommitFiles(options.repo, options.commit), new Set(paths))
    : undefined;
  return { ...(imports && { imports }), ...(cochange && { cochange }) };
}
