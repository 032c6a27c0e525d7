export { openRepo, createRepo, resolveCommit, setBranch, gitStatus } from './repo.js';
export type { Repo } from './repo.js';
export { taskBranch, resultBranch } from './branch-names.js';
export { listSymlinks } from './list-symlinks.js';
export type { TrackedSymlink } from './list-symlinks.js';
export { excludeStateDir } from './exclude-state-dir.js';
export {
  worktreePath,
  addWorktree,
  addDetachedWorktree,
  removeWorktree,
  resetWorktree,
  removeRunWorktrees,
  pruneWorktrees,
  withWorktreeLock,
  worktreePoolDir,
  claimPooledWorktrees,
  poolWorktrees,
  removePooledWorktrees,
} from './worktrees.js';
export { commitChanges } from './commit-changes.js';
export { startConflictedMerge, commitResolvedMerge } from './conflicted-merge.js';
export type { ConflictedMerge, ResolvedMerge } from './conflicted-merge.js';
export type {
  MergeConflict,
  ConflictResolution,
  ResolvedConflict,
  MergeCommitsOptions,
} from './merge-commits.js';
export { mergeCommits } from './merge-commits.js';
export type { MergeSource, MergeResult } from './merge-commits.js';
export { filesOutsideScope, dirtyPaths } from './scope-check.js';
export { findConflictMarkers } from './find-conflict-markers.js';
export { checkTaskWorktree, checkTaskHistory } from './check-task-worktree.js';
export type { WorktreeProblem } from './check-task-worktree.js';
export { listRefs, restoreRef } from './list-refs.js';
export { checkedOutBranches } from './checked-out-branches.js';
export type { LockRetryOptions } from './lock-retry.js';
