/**
 * One process owns a run at a time. The lock is a proper-lockfile lock on the run directory
 * (refreshed while held, so a holder that died is stale after a few seconds and can be taken
 * over), with the holder's pid and host written beside it so a second `run` or `resume` can say
 * who holds it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { RunLockedError } from '../core/index.js';

export interface RunLock {
  release(): Promise<void>;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** A holder that stops refreshing is considered dead after this long. */
const STALE_MS = 10_000;

export async function acquireRunLock(runDir: string, runId: string): Promise<RunLock> {
  const holderFile = join(runDir, 'lock-holder.json');
  let release: () => Promise<void>;
  try {
    release = await lock(runDir, {
      stale: STALE_MS,
      update: STALE_MS / 4,
      realpath: false,
      lockfilePath: join(runDir, 'run.lock'),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const holder: Partial<Holder> = await readFile(holderFile, 'utf8')
      .then((text) => JSON.parse(text) as Partial<Holder>)
      .catch(() => ({}));
    throw new RunLockedError({
      runId,
      holderPid: holder.pid ?? null,
      holderHost: holder.host ?? null,
    });
  }
  const holder: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  await writeFile(holderFile, `${JSON.stringify(holder)}\n`);
  return {
    async release() {
      await release();
    },
  };
}
