import { describe, expect, it } from 'vitest';
import { openRepo } from '../../src/git/index.js';
import type { Repo } from '../../src/git/index.js';
import { RunRefGuard } from '../../src/run/run-ref-guard.js';
import { createTempRepo } from '../helpers/temp-repo.js';

/** The repository with a count of the ref listings made through it. */
function countingListings(repo: Repo): { repo: Repo; listings: () => number } {
  let listings = 0;
  return {
    repo: {
      ...repo,
      git: (args, cwd) => {
        if (args[0] === 'for-each-ref') listings++;
        return repo.git(args, cwd);
      },
    },
    listings: () => listings,
  };
}

describe('RunRefGuard', () => {
  it('checks agents that end together with one listing, and reports a moved ref once', async () => {
    await using temp = await createTempRepo();
    const head = await temp.git('rev-parse', 'HEAD');
    const prefix = 'subplan/r1';
    await temp.git('branch', `${prefix}/done`, head);
    const { repo, listings } = countingListings(await openRepo(temp.dir));
    const guard = new RunRefGuard(repo, 'r1');
    await guard.start();
    const before = listings();
    const tasks = Array.from({ length: 10 }, (_, i) => `t${i}`);
    for (const task of tasks) guard.agentStarted(task, `${prefix}/${task}`);
    // One of them moved a branch that is not its own.
    await temp.git('commit', '--allow-empty', '-m', 'moved');
    await temp.git('branch', '--force', `${prefix}/done`, 'HEAD');
    const checks = await Promise.all(tasks.map((task) => guard.agentEnded(task)));
    expect(listings() - before).toBeLessThanOrEqual(2);
    const reported = checks.filter((check) => check.moved.length > 0);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.moved.map((m) => m.ref)).toEqual([`refs/heads/${prefix}/done`]);
    // Ten agents ran: none is blamed alone.
    expect(reported[0]?.suspects).toHaveLength(10);
    expect(await temp.git('rev-parse', `${prefix}/done`)).toBe(head);
  });

  it('lists again for an agent that ends after a check has begun', async () => {
    await using temp = await createTempRepo();
    const { repo, listings } = countingListings(await openRepo(temp.dir));
    const guard = new RunRefGuard(repo, 'r2');
    await guard.start();
    guard.agentStarted('a', 'subplan/r2/a');
    guard.agentStarted('b', 'subplan/r2/b');
    const before = listings();
    const first = guard.agentEnded('a');
    await first;
    await guard.agentEnded('b');
    expect(listings() - before).toBe(2);
  });
});
