// The full executor path of one agent task (PiscinaExecutor: worktree, agent process, commit),
// next to the same steps called directly, and a raw pool round trip, for the git suite.
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { PiscinaExecutor } from '../../dist/execute/index.js';
import { removeWorktree, taskBranch, worktreePath } from '../../dist/git/index.js';
import { mean, timed } from './measure.js';

/** One task starts the pool's only thread. */
const WARMUP_TASKS = 1;

/**
 * Sequential agent tasks (`touch`, one new file each) through a PiscinaExecutor, after a warm-up
 * that starts its thread, each beside one run of `direct` (the same steps without the executor;
 * it returns its ms), alternating which goes first: ms per round trip, inside the worker and
 * direct, and outcome statuses.
 * @param {import('../../dist/git/index.js').Repo} repo
 * @param {{ head: string, tasks: number, runId: string, direct: (i: number) => Promise<number> }} options
 */
export async function measureExecutor(repo, { head, tasks, runId, direct }) {
  const executor = new PiscinaExecutor({ maxParallel: 1 });
  const env = Object.fromEntries(
    Object.entries(process.env).filter((entry) => entry[1] !== undefined),
  );
  const stateDir = join(repo.root, '.subplan', 'runs', runId);
  /** @type {number[]} */
  const roundTripMs = [];
  /** @type {number[]} */
  const inWorkerMs = [];
  /** @type {number[]} */
  const directMs = [];
  /** @type {Record<string, number>} */
  const statuses = {};
  try {
    for (let i = 0; i < WARMUP_TASKS + tasks; i++) {
      const id = `x${i}`;
      const dir = worktreePath(repo, runId, id);
      const directFirst = i % 2 === 1;
      if (directFirst) directMs.push(await direct(i));
      const { ms, value } = await timed(() =>
        executor.runAgentTask({
          runId,
          taskId: id,
          phase: id,
          prompt: 'bench',
          repo: { root: repo.root, commonDir: repo.commonDir, config: repo.config },
          worktree: dir,
          branch: taskBranch(runId, id),
          baseCommit: head,
          argvTemplate: ['touch', 'bench-{subplan}.txt'],
          files: [],
          filesFile: join(stateDir, 'files', `${id}.txt`),
          env,
          logFile: join(stateDir, 'logs', `${id}.log`),
          commitMessage: `bench: executor task ${id}`,
        }),
      );
      await removeWorktree(repo, dir);
      if (!directFirst) directMs.push(await direct(i));
      if (i < WARMUP_TASKS) {
        directMs.pop();
        continue;
      }
      statuses[value.outcome.status] = (statuses[value.outcome.status] ?? 0) + 1;
      roundTripMs.push(ms);
      inWorkerMs.push(value.finishedAt - value.startedAt);
    }
  } finally {
    await executor.close();
  }
  return { roundTripMs, inWorkerMs, directMs, statuses };
}

/** Mean µs of a raw no-op round trip on a warm one-thread pool. @param {number} roundTrips */
export async function measureRawDispatch(roundTrips) {
  const pool = new Piscina({
    filename: new URL('../fixtures/noop-worker.js', import.meta.url).href,
    minThreads: 1,
    maxThreads: 1,
  });
  try {
    for (let i = 0; i < 30; i++) await pool.run(null);
    const samples = [];
    for (let i = 0; i < roundTrips; i++)
      samples.push((await timed(() => pool.run(null))).ms * 1000);
    return mean(samples);
  } finally {
    await pool.destroy();
  }
}
