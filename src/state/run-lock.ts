/**
 * One process owns a run at a time. The lock is a proper-lockfile lock on the run directory
 * (refreshed while held, so a holder that died is stale after a few seconds and can be taken
 * over), with the holder's pid and host written beside it so a second `run` or `resume` can say
 * who holds it.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { RunLockedError } from '../core/index.js';

export interface RunLock {
  release(): Promise<void>;
}

/** Who holds a run's lock, as written beside it. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

const HOLDER_FILE = 'lock-holder.json';

/** A holder that stops refreshing is considered dead after this long. */
const STALE_MS = 10_000;

export async function acquireRunLock(runDir: string, runId: string): Promise<RunLock> {
  const holderFile = join(runDir, HOLDER_FILE);
  const lockPath = join(runDir, 'run.lock');
  const take = () =>
    lock(runDir, {
      stale: STALE_MS,
      update: STALE_MS / 4,
      realpath: false,
      lockfilePath: lockPath,
      // A refresh that comes late (a stalled disk) must not crash a run that is doing its work;
      // the lock-holder file still names this process to anyone who asks.
      onCompromised: () => undefined,
    });
  let release: () => Promise<void>;
  try {
    release = await take();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const holder = readLockHolder(runDir) ?? {};
    if (!isLockHolderGone(holder)) {
      throw new RunLockedError({
        runId,
        holderPid: holder.pid ?? null,
        holderHost: holder.host ?? null,
      });
    }
    // The holder was on this machine and its process is gone (kill -9, a crash): take over now
    // rather than waiting for the lock to go stale.
    await rm(lockPath, { recursive: true, force: true });
    release = await take();
  }
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
  };
  // Atomically (temp file, rename): a reader such as `logs --follow` or a second `run` sees the
  // previous holder or this one, never a half-written file it would take for no holder at all.
  // No fsync: after a machine crash the holder is gone whatever the file says, and a run's start
  // should not wait on the disk for it.
  await writeFileAtomic(holderFile, `${JSON.stringify(holder)}\n`, { fsync: false });
  return {
    async release() {
      await release();
    },
  };
}

/** The holder recorded for a run's lock, or undefined when none can be read. */
export function readLockHolder(runDir: string): Partial<LockHolder> | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir, HOLDER_FILE), 'utf8')) as Partial<LockHolder>;
  } catch {
    return undefined;
  }
}

/** True only when the holder ran on this host and its process no longer exists. */
export function isLockHolderGone(holder: Partial<LockHolder>): boolean {
  if (holder.pid === undefined || holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
