/**
 * A clustering strategy proposes groups of files that belong together. It may return a single
 * group (it sees no structure); the decomposer then tries the next strategy. Groups may be any
 * size: the decomposer packs small ones together and recurses into large ones.
 */
import type { ScopeFile } from '../scope-file.js';

export interface Strategy {
  readonly name: string;
  group(files: readonly ScopeFile[]): ScopeFile[][];
}
