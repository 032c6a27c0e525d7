/**
 * Worktrees under `.subplan/worktrees/<run>/`, one per running task.
 *
 * git does not make worktree changes safe against each other: `worktree add` reads every other
 * worktree's registration and fails on one that is half written ("failed to read
 * .git/worktrees/x/commondir"). So every add and remove holds a lock file in the shared git
 * directory, which covers the pool's threads, other processes and other runs alike. Nothing here
 * prunes while tasks run: prune drops registrations whose directory is not there yet.
 * Only the registration needs the lock. Writing or deleting a worktree's files (a thousand of
 * them take hundreds of ms) happens outside it, so tasks starting or ending together do not
 * wait for one another's checkouts.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { lock } from 'proper-lockfile';
import type { Repo } from './repo.js';

/** Directory of a task's worktree. Task ids contain no `/`, so one level suffices. */
export function worktreePath(repo: Repo, runId: string, taskId: string): string {
  return join(repo.root, '.subplan', 'worktrees', runId, taskId);
}

/**
 * Creates (or re-creates, for a retry) a worktree on `branch` at `commit`. `-B` resets a branch
 * left by an earlier attempt; `--force` allows a path whose registration is stale. The worktree
 * is registered without a checkout under the lock, then checked out by a reset in it, unlocked.
 */
export async function addWorktree(
  repo: Repo,
  options: { dir: string; branch: string; commit: string },
): Promise<void> {
  await createWorktree(repo, options.dir, ['-B', options.branch], options.commit);
}

/**
 * Creates a worktree at `commit` with a detached HEAD: for work on the coordinator (a resolver, a
 * verify) that must not create or move any branch of the run.
 */
export async function addDetachedWorktree(
  repo: Repo,
  options: { dir: string; commit: string },
): Promise<void> {
  await createWorktree(repo, options.dir, ['--detach'], options.commit);
}

/** Registers a worktree without a checkout under the lock, then checks it out by a reset, unlocked. */
async function createWorktree(
  repo: Repo,
  dir: string,
  head: readonly string[],
  commit: string,
): Promise<void> {
  await withWorktreeLock(repo, async () => {
    if (existsSync(dir)) await removeUnlocked(repo, dir);
    await repo.git([
      'worktree',
      'add',
      '--force',
      '--quiet',
      '--no-checkout',
      ...head,
      dir,
      commit,
    ]);
  });
  await checkouts.run(() => repo.git(['reset', '--hard', '--quiet', commit], dir));
}

/**
 * Checkouts of new worktrees at once, per thread: unlocked they overlap (a run's first tasks all
 * start together), but each is a git process writing every file of the repository, and 64 at
 * once cost the coordinator over 100 MB for no gain on two cores.
 */
const CHECKOUTS_AT_ONCE = 4;

const checkouts = (() => {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (active >= CHECKOUTS_AT_ONCE) await new Promise<void>((go) => waiting.push(go));
      active++;
      try {
        return await work();
      } finally {
        active--;
        waiting.shift()?.();
      }
    },
  };
})();

/**
 * Removes a worktree and its registration; a missing one is not an error. Its files go first,
 * unlocked; the lock covers only git's removal of what is left (the `.git` link).
 */
export async function removeWorktree(repo: Repo, dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => []);
  await Promise.all(
    entries
      .filter((entry) => entry !== '.git')
      .map((entry) => rm(join(dir, entry), { recursive: true, force: true })),
  );
  await withWorktreeLock(repo, () => removeUnlocked(repo, dir));
}

/**
 * Reuses a worktree another task of the run has finished with: points it at `commit` on `branch`
 * and makes it exactly that commit's tree, writing only the files that differ, which is far
 * cheaper than checking out every file of a new worktree. No lock is needed: the branch is new
 * and this task's own, and nothing here reads other worktrees (unlike `checkout -B`).
 */
export async function resetWorktree(
  repo: Repo,
  options: { dir: string; branch: string; commit: string; keepIgnored?: boolean },
): Promise<void> {
  // HEAD first names the branch (unborn when new); the reset then sets it to the commit.
  await repo.git(['symbolic-ref', 'HEAD', `refs/heads/${options.branch}`], options.dir);
  await repo.git(['reset', '--hard', '--quiet', options.commit], options.dir);
  // Ignored files are what a worktree's setup made (node_modules, say): kept when the next task
  // has the same setup, so it need not run again.
  await repo.git(['clean', options.keepIgnored ? '-ffdq' : '-ffdxq'], options.dir);
}

/** Removes every worktree of one run (registered or left on disk). */
export async function removeRunWorktrees(repo: Repo, runId: string): Promise<number> {
  const root = join(repo.root, '.subplan', 'worktrees', runId);
  const dirs = await registeredUnder(repo, root);
  for (const dir of dirs) await removeWorktree(repo, dir);
  await rm(root, { recursive: true, force: true });
  return dirs.length;
}

/**
 * Where finished runs leave their idle worktrees for the next run of the repository: a new
 * worktree writes every file (a thousand take ~0.4 s of kernel time here, a large repository
 * minutes for a wide run), where a reused one is reset, writing only the files that differ.
 */
export function worktreePoolDir(repo: Repo): string {
  return join(repo.root, '.subplan', 'worktrees', 'pool');
}

/**
 * Takes up to `count` worktrees from the pool for run `runId`. Each is moved under the run's own
 * folder, under the worktree lock, so no other run can take it, and `resume` and `clean` treat
 * it as the run's. A pooled worktree that cannot be moved is removed.
 */
export async function claimPooledWorktrees(
  repo: Repo,
  runId: string,
  count: number,
): Promise<string[]> {
  if (count <= 0) return [];
  return withWorktreeLock(repo, async () => {
    const pooled = (await registeredUnder(repo, worktreePoolDir(repo))).slice(0, count);
    const claimed: string[] = [];
    for (const dir of pooled) {
      const to = worktreePath(repo, runId, `p${claimed.length + 1}`);
      await mkdir(dirname(to), { recursive: true });
      try {
        await repo.git(['worktree', 'move', dir, to]);
        claimed.push(to);
      } catch {
        await removeUnlocked(repo, dir);
      }
    }
    return claimed;
  });
}

/**
 * Puts idle worktrees of run `runId` in the pool, keeping at most `keep` there; the others are
 * removed. Each leaves its branch first (detached HEAD), so the run's branches stay deletable.
 */
export async function poolWorktrees(
  repo: Repo,
  runId: string,
  dirs: readonly string[],
  keep: number,
): Promise<void> {
  const detached = await Promise.all(
    dirs.map((dir) =>
      repo.git(['checkout', '--detach', '--quiet'], dir).then(
        () => dir,
        () => undefined,
      ),
    ),
  );
  const pool = worktreePoolDir(repo);
  const extra = await withWorktreeLock(repo, async () => {
    let room = keep - (await registeredUnder(repo, pool)).length;
    const left: string[] = [];
    for (const dir of detached) {
      if (dir === undefined) continue;
      if (room <= 0) {
        left.push(dir);
        continue;
      }
      await mkdir(pool, { recursive: true });
      try {
        await repo.git(['worktree', 'move', dir, join(pool, `${runId}-${basename(dir)}`)]);
        room--;
      } catch {
        left.push(dir);
      }
    }
    return left;
  });
  for (const dir of [...extra, ...dirs.filter((dir) => !detached.includes(dir))])
    await removeWorktree(repo, dir).catch(() => undefined);
}

/** Empties the pool; returns how many worktrees it held. */
export async function removePooledWorktrees(repo: Repo): Promise<number> {
  const pool = worktreePoolDir(repo);
  const dirs = await registeredUnder(repo, pool);
  for (const dir of dirs) await removeWorktree(repo, dir);
  await rm(pool, { recursive: true, force: true });
  return dirs.length;
}

/** Registered worktrees whose directory is inside `root`. */
async function registeredUnder(repo: Repo, root: string): Promise<string[]> {
  return (await repo.git(['worktree', 'list', '--porcelain']))
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length))
    .filter((dir) => dir.startsWith(`${root}/`));
}

/** Forgets registrations of worktrees whose directories are gone. Only when no task runs. */
export async function pruneWorktrees(repo: Repo): Promise<void> {
  await withWorktreeLock(repo, () => repo.git(['worktree', 'prune']));
}

async function removeUnlocked(repo: Repo, dir: string): Promise<void> {
  try {
    await repo.git(['worktree', 'remove', '--force', '--force', dir]);
  } catch {
    // Not registered (never fully created): make sure nothing is left on disk.
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `action` while no worktree of `repo` is being added or removed (a fetch would fail). */
export async function withWorktreeLock<T>(repo: Repo, action: () => Promise<T>): Promise<T> {
  const release = await lock(join(repo.commonDir, 'subplan-worktrees'), {
    realpath: false,
    // Holders keep it for one git command (tens of ms); waiting many in a row is normal at
    // high max_parallel, so retry often and for long. A holder that died is stale after 10 s.
    retries: { retries: 2000, factor: 1.1, minTimeout: 2, maxTimeout: 40 },
    stale: 10_000,
    // Held for one git command; a late refresh must not crash the worker thread holding it.
    onCompromised: () => undefined,
  });
  try {
    return await action();
  } finally {
    await release();
  }
}
