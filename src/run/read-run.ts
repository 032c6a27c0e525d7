/**
 * Reading runs back, for `list` and `status`: never writes anything. A run id may be given as a
 * unique prefix; no id means the latest run. A run whose state says `running` but whose process
 * is gone is reported as such, so a person knows it needs `resume`, not patience.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RunNotFoundError, UsageError } from '../core/index.js';
import { openRepo } from '../git/index.js';
import { isLockHolderGone, readLockHolder, readRunState, runPaths } from '../state/index.js';
import type { RunPaths, RunState } from '../state/index.js';

export interface RunListing {
  readonly run_id: string;
  readonly plan: string;
  readonly status: RunState['status'] | 'unreadable';
  /** False when the status says running but the process that ran it is gone, as in `RunView`. */
  readonly alive: boolean;
  readonly started_at: string | null;
  readonly finished_at: string | null;
}

export interface RunView {
  readonly state: RunState;
  /** False when the state says running but the process that ran it is gone. */
  readonly alive: boolean;
}

export async function listRuns(repoDir: string): Promise<RunListing[]> {
  const repo = await openRepo(repoDir);
  const ids = await runIds(repo.root);
  const listings: RunListing[] = [];
  for (const id of ids) {
    const paths = runPaths(repo.root, id);
    const read = await readRunState(paths);
    listings.push(
      read.ok
        ? {
            run_id: id,
            plan: read.state.plan,
            status: read.state.status,
            alive: isRunAlive(read.state, paths.runDir),
            started_at: read.state.started_at,
            finished_at: read.state.finished_at,
          }
        : {
            run_id: id,
            plan: '',
            status: 'unreadable',
            alive: true,
            started_at: null,
            finished_at: null,
          },
    );
  }
  return listings;
}

/** The run `idOrPrefix` names (the latest run when absent). */
export async function readRun(repoDir: string, idOrPrefix?: string): Promise<RunView> {
  const { runId, paths } = await findRunPaths(repoDir, idOrPrefix);
  const read = await readRunState(paths);
  if (!read.ok)
    throw new RunNotFoundError(
      runId,
      `: its state cannot be read (${read.problem}: ${read.detail})`,
    );
  return { state: read.state, alive: isRunAlive(read.state, paths.runDir) };
}

/** Resolves a run id or unique prefix (the latest run when absent) to its files. */
export async function findRunPaths(
  repoDir: string,
  idOrPrefix?: string,
): Promise<{ runId: string; paths: RunPaths }> {
  const repo = await openRepo(repoDir);
  const ids = await runIds(repo.root);
  let id: string | undefined;
  if (idOrPrefix === undefined) {
    id = ids.at(-1);
    if (id === undefined) throw new RunNotFoundError('(latest)', `: ${repo.root} has no runs yet`);
  } else {
    const matches = ids.filter((candidate) => candidate.startsWith(idOrPrefix));
    if (matches.length > 1) {
      throw new UsageError(
        `\`${idOrPrefix}\` matches ${matches.length} runs: ${matches.join(', ')}; give more of the id`,
      );
    }
    id = matches[0];
    if (id === undefined)
      throw new RunNotFoundError(idOrPrefix, ` in ${repo.root} (see subplan list)`);
  }
  return { runId: id, paths: runPaths(repo.root, id) };
}

async function runIds(root: string): Promise<string[]> {
  const dir = join(root, '.subplan', 'runs');
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  // Run ids start with their UTC start time, so name order is start order.
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * Only a run whose state says running can have lost its process; it has unless its lock holder
 * is alive (a holder never written is no process either).
 */
function isRunAlive(state: RunState, runDir: string): boolean {
  if (state.status !== 'running') return true;
  const holder = readLockHolder(runDir);
  return holder !== undefined && !isLockHolderGone(holder);
}
