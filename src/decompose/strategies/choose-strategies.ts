/**
 * The strategies behind each `strategy:` name, in the order the decomposer tries them. `auto`
 * starts from the directory structure today; the import graph and co-change strategies join it
 * as they land (issue 3).
 */
import { unreachable } from '../../core/index.js';
import type { DecomposeStrategyName } from '../../plan/index.js';
import { directoryStrategy } from './directory.js';
import type { Strategy } from './strategy.js';

export function strategiesFor(name: DecomposeStrategyName): Strategy[] {
  switch (name) {
    case 'auto':
    case 'directory':
      return [directoryStrategy];
    default:
      return unreachable(name);
  }
}
