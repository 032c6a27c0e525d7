import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { followTaskLog } from '../../src/run/index.js';
import { createTempRepo } from '../helpers/temp-repo.js';

const RUN_ID = '20261123-180000-abcd';

/** A run folder as a run leaves it in its first moment: no state, no lock holder, no logs. */
async function bareRunFolder(repoDir: string): Promise<string> {
  const runDir = join(repoDir, '.subplan', 'runs', RUN_ID);
  await mkdir(runDir, { recursive: true });
  return runDir;
}

describe('following the log of a run that is still setting up', () => {
  it('keeps following a fresh run folder that has no state or lock holder yet', async () => {
    await using repo = await createTempRepo();
    const runDir = await bareRunFolder(repo.dir);
    const controller = new AbortController();
    let text = '';
    const following = followTaskLog({
      repoDir: repo.dir,
      runId: RUN_ID,
      taskId: 'a',
      follow: true,
      pollMs: 20,
      signal: controller.signal,
      onText: (chunk) => {
        text += chunk;
        if (text.includes('hello\n')) controller.abort();
      },
    });
    // Long enough for the follower to look and find nothing at all; it must not take that for the
    // end of the run. (On a slow machine this may end before it looked: then the test proves less,
    // but it cannot fail for a correct follower.)
    const early = await Promise.race([
      following.then(() => 'returned'),
      sleep(500).then(() => 'still following'),
    ]);
    expect(early).toBe('still following');
    // The run gets as far as its task's first line; the follower is still there to read it.
    await mkdir(join(runDir, 'logs'));
    await writeFile(join(runDir, 'logs', 'a.log'), 'hello\n');
    await following;
    expect(text).toBe('hello\n');
  });

  it('stops at once for a folder older than the grace a run has to write its holder', async () => {
    await using repo = await createTempRepo();
    await bareRunFolder(repo.dir);
    let text = '';
    await followTaskLog({
      repoDir: repo.dir,
      runId: RUN_ID,
      taskId: 'a',
      follow: true,
      pollMs: 20,
      setupGraceMs: 0,
      onText: (chunk) => {
        text += chunk;
      },
    });
    expect(text).toBe('');
  });
});
