import { unlinkSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitLockedError } from '../../src/core/index.js';
import { createRepo, openRepo } from '../../src/git/index.js';
import type { LockRetryOptions } from '../../src/git/index.js';
import { createTempRepo } from '../helpers/temp-repo.js';

async function repoWithRetry(dir: string, lockRetry: LockRetryOptions) {
  const repo = await openRepo(dir);
  return createRepo({ ...repo, lockRetry });
}

describe('git lock contention', () => {
  it('retries a command that met an index.lock, and succeeds once the lock is gone', async () => {
    await using temp = await createTempRepo();
    const lock = join(temp.dir, '.git', 'index.lock');
    await writeFile(lock, '');
    await temp.write({ 'new.txt': 'x\n' });
    const retries: number[] = [];
    const repo = await repoWithRetry(temp.dir, {
      minDelayMs: 1,
      onRetry: (file, retry) => {
        retries.push(retry);
        expect(file).toBe(lock);
        // Someone else's git finishes while subplan waits.
        if (retry === 2) unlinkSync(lock);
      },
    });
    await repo.git(['add', 'new.txt']);
    expect(retries).toEqual([1, 2]);
    expect(await temp.git('diff', '--cached', '--name-only')).toBe('new.txt');
  });

  it('gives up with an error naming the lock file when it stays', async () => {
    await using temp = await createTempRepo();
    const head = await temp.git('rev-parse', 'HEAD');
    await temp.git('branch', 'task');
    const lock = join(temp.dir, '.git', 'refs', 'heads', 'task.lock');
    await writeFile(lock, '');
    let retries = 0;
    const repo = await repoWithRetry(temp.dir, {
      retries: 3,
      minDelayMs: 1,
      onRetry: () => {
        retries++;
      },
    });
    const error = await repo.git(['update-ref', 'refs/heads/task', head]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitLockedError);
    expect(error).toMatchObject({ lockFile: lock, exitCode: 1 });
    expect((error as Error).message).toContain(`failed 4 times: ${lock} exists`);
    expect(retries).toBe(3);
  });

  it('does not retry other failures', async () => {
    await using temp = await createTempRepo();
    let retries = 0;
    const repo = await repoWithRetry(temp.dir, {
      minDelayMs: 1,
      onRetry: () => {
        retries++;
      },
    });
    await expect(repo.git(['rev-parse', '--verify', 'no-such-ref'])).rejects.toThrow(/failed/);
    expect(retries).toBe(0);
  });
});
