/**
 * The git side of the result cache: a hit commits the earlier result's tree on this task's base
 * (the same tree, the right parent) and points the task's branch at it; a success is remembered
 * with its tree, and its commit is kept reachable under `refs/subplan/cache/`.
 */
import { isoTime } from '../core/index.js';
import { gitStatus, setBranch } from '../git/index.js';
import type { Repo } from '../git/index.js';
import type { ResultCache } from '../state/index.js';

/** The new commit for a cache hit, or undefined on a miss (or an entry whose tree is gone). */
export async function commitCachedResult(
  repo: Repo,
  cache: ResultCache,
  key: string,
  task: { id: string; baseCommit: string; branch: string },
): Promise<string | undefined> {
  const entry = await cache.get(key);
  if (!entry || (await gitStatus(repo, ['cat-file', '-e', `${entry.tree}^{tree}`])).exitCode !== 0)
    return undefined;
  const message = `subplan(${task.id}): reused from run ${entry.run_id}\n\nThe same task with the same input already ran; no agent ran this time.`;
  const commit = (
    await repo.git(['commit-tree', entry.tree, '-p', task.baseCommit, '-m', message])
  ).trim();
  await setBranch(repo, task.branch, commit);
  return commit;
}

export async function rememberResult(
  repo: Repo,
  cache: ResultCache,
  key: string,
  result: { runId: string; taskId: string; commit: string; nowMs: number },
): Promise<void> {
  const tree = (await repo.git(['rev-parse', `${result.commit}^{tree}`])).trim();
  await repo.git(['update-ref', `refs/subplan/cache/${key}`, result.commit]);
  await cache.put(key, {
    tree,
    commit: result.commit,
    run_id: result.runId,
    task: result.taskId,
    created_at: isoTime(result.nowMs),
  });
}
