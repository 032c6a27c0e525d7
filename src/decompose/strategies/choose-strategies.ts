/**
 * The strategies behind each `strategy:` name, in the order the decomposer tries them. Graph
 * strategies cluster along imports and co-change; the directory strategy follows them for sets
 * where they see nothing to separate.
 */
import { unreachable } from '../../core/index.js';
import type { DecomposeStrategyName } from '../../plan/index.js';
import type { DecomposeLimits } from '../decompose.js';
import { FileGraph } from '../file-graph.js';
import { directoryStrategy } from './directory.js';
import { graphStrategy } from './graph-clusters.js';
import type { Strategy } from './strategy.js';

/** What the graph strategies know about the files: absent signals count as no edges. */
export interface DecomposeSignals {
  readonly imports?: FileGraph;
  readonly cochange?: FileGraph;
}

/** Co-change predicts future co-change directly; imports are a structural hint. */
const COCHANGE_FACTOR = 2;

export function strategiesFor(
  name: DecomposeStrategyName,
  signals: DecomposeSignals,
  limits: DecomposeLimits,
): Strategy[] {
  switch (name) {
    case 'directory':
      return [directoryStrategy];
    case 'imports':
      return [
        graphStrategy('imports', signals.imports ?? new FileGraph(), limits),
        directoryStrategy,
      ];
    case 'cochange':
      return [
        graphStrategy('cochange', signals.cochange ?? new FileGraph(), limits),
        directoryStrategy,
      ];
    case 'auto': {
      const combined = new FileGraph();
      if (signals.imports) combined.merge(signals.imports, 1);
      if (signals.cochange) combined.merge(signals.cochange, COCHANGE_FACTOR);
      return [graphStrategy('auto', combined, limits), directoryStrategy];
    }
    default:
      return unreachable(name);
  }
}

/** Which signals a strategy reads, so callers only compute what is needed. */
export function signalsNeeded(name: DecomposeStrategyName): {
  imports: boolean;
  cochange: boolean;
} {
  return {
    imports: name === 'auto' || name === 'imports',
    cochange: name === 'auto' || name === 'cochange',
  };
}
