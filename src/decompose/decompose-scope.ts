/** Decomposes a phase's scope with its settings: the entry point the orchestrator and CLI use. */
import type { DecomposeSettings } from '../plan/index.js';
import { decomposeFiles } from './decompose.js';
import type { ScopeFile } from './scope-file.js';
import { strategiesFor } from './strategies/choose-strategies.js';
import type { SubplanNode } from './subplan-tree.js';

export function decomposeScope(
  rootId: string,
  files: readonly ScopeFile[],
  settings: DecomposeSettings,
): SubplanNode {
  return decomposeFiles(rootId, files, settings, strategiesFor(settings.strategy));
}
