export { openRepo, createRepo, resolveCommit, setBranch, gitStatus } from './repo.js';
export type { Repo } from './repo.js';
export { taskBranch, resultBranch } from './branch-names.js';
export { excludeStateDir } from './exclude-state-dir.js';
export {
  worktreePath,
  addWorktree,
  removeWorktree,
  resetWorktree,
  removeRunWorktrees,
  pruneWorktrees,
} from './worktrees.js';
export { commitChanges } from './commit-changes.js';
export { mergeCommits } from './merge-commits.js';
export type { MergeSource, MergeResult } from './merge-commits.js';
