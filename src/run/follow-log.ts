/**
 * A task's log, whole or followed while the run goes on. Following polls the file (agents write
 * it from another thread or machine, so there is no event to wait on) and stops once the run is
 * no longer running and everything written has been read.
 */
import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../core/index.js';
import { isLockHolderGone, readLockHolder, readRunState } from '../state/index.js';
import { findRunPaths } from './read-run.js';

export interface FollowLogOptions {
  readonly repoDir: string;
  readonly runId: string;
  readonly taskId: string;
  readonly follow?: boolean;
  readonly onText: (text: string) => void;
  readonly signal?: AbortSignal;
  /** @default 200 */
  readonly pollMs?: number;
  /**
   * How long a run folder may stand with neither state nor lock holder before following it
   * stops, as for an abandoned run. @default 10000
   */
  readonly setupGraceMs?: number;
}

export async function followTaskLog(options: FollowLogOptions): Promise<void> {
  const { paths, runId } = await findRunPaths(options.repoDir, options.runId);
  const read = await readRunState(paths);
  if (read.ok && !read.state.tasks.some((task) => task.id === options.taskId)) {
    const ids = read.state.tasks.filter((task) => task.kind === 'agent').map((task) => task.id);
    throw new UsageError(
      `run ${runId} has no task \`${options.taskId}\`; its agent tasks: ${ids.join(', ')}`,
    );
  }
  const file = paths.logFile(options.taskId);
  let offset = 0;
  for (;;) {
    offset += await readFrom(file, offset, options.onText);
    if (!options.follow || options.signal?.aborted) return;
    const state = await readRunState(paths);
    const task = state.ok ? state.state.tasks.find((t) => t.id === options.taskId) : undefined;
    // A run that has just started may have no state yet: its live lock holder says it runs.
    const settled = state.ok
      ? state.state.status !== 'running' ||
        (task !== undefined && !['pending', 'queued', 'running'].includes(task.status))
      : !isRunStillStarting(paths.runDir, options.setupGraceMs ?? SETUP_GRACE_MS);
    if (settled) {
      offset += await readFrom(file, offset, options.onText);
      return;
    }
    await sleep(options.pollMs ?? 200);
  }
}

const SETUP_GRACE_MS = 10_000;

function isRunStillStarting(runDir: string, graceMs: number): boolean {
  const holder = readLockHolder(runDir);
  if (holder !== undefined) return !isLockHolderGone(holder);
  // The folder comes first, then the lock and its holder file: a fresh folder is a run setting up.
  const made = statSync(runDir, { throwIfNoEntry: false });
  return made !== undefined && Date.now() - (made.birthtimeMs || made.ctimeMs) < graceMs;
}

/** Writes whatever the file holds past `offset`; returns how many bytes that was. */
async function readFrom(
  file: string,
  offset: number,
  onText: (text: string) => void,
): Promise<number> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return 0;
  }
  try {
    const { size } = await handle.stat();
    if (size <= offset) return 0;
    const buffer = Buffer.alloc(size - offset);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    onText(buffer.subarray(0, bytesRead).toString('utf8'));
    return bytesRead;
  } finally {
    await handle.close();
  }
}
