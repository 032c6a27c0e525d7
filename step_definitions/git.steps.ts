/** What the run left in git: the result branch, the task branches, and the user's own checkout. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Given, Then } from '@cucumber/cucumber';
import type { DataTable } from '@cucumber/cucumber';
import type { TaskStartedEvent } from '../src/core/index.js';
import { check } from '../features/support/check.js';
import type { SubplanWorld } from '../features/support/world.js';

interface CheckoutSnapshot {
  readonly branch: string;
  readonly head: string;
  readonly status: string;
}

const snapshots = new WeakMap<SubplanWorld, CheckoutSnapshot>();

Given('I note the state of my checkout', async function (this: SubplanWorld) {
  snapshots.set(this, await snapshot(this));
});

Then('the result branch contains {string}', async function (this: SubplanWorld, path: string) {
  const files = await filesAt(this, resultBranch(this));
  check(files.includes(path), `${path} is not on the result branch; it has:\n${files.join('\n')}`);
});

Then(
  'the result branch contains these files:',
  async function (this: SubplanWorld, table: DataTable) {
    const files = await filesAt(this, resultBranch(this));
    const missing = table
      .raw()
      .map((row) => row[0] ?? '')
      .filter((path) => !files.includes(path));
    assert.deepEqual(missing, [], `missing on the result branch, which has:\n${files.join('\n')}`);
  },
);

Then(
  'the result branch contains {string} for every agent task',
  async function (this: SubplanWorld, template: string) {
    const files = await filesAt(this, resultBranch(this));
    const agents = this.summary.tasks.filter((task) => task.kind === 'agent');
    check(agents.length > 0, 'the run had no agent tasks');
    const missing = agents
      .map((task) => template.replaceAll('{phase}', task.phase))
      .filter((path) => !files.includes(path));
    assert.deepEqual(missing, [], 'missing on the result branch');
  },
);

Then(
  'the result branch has {string} containing {string}',
  async function (this: SubplanWorld, path: string, content: string) {
    // git's output loses its final newline; compare the text itself.
    assert.equal(
      await this.repo.git('show', `${resultBranch(this)}:${path}`),
      content.replaceAll('\\n', '\n').trimEnd(),
    );
  },
);

Then(
  '{string} started from a commit containing {string}',
  async function (this: SubplanWorld, task: string, path: string) {
    const started = this.lastRun.events.find(
      (e): e is TaskStartedEvent => e.type === 'task-started' && e.task === task,
    );
    check(started, `${task} never started`);
    const files = await filesAt(this, started.base_commit);
    check(
      files.includes(path),
      `${task} started from ${started.base_commit.slice(0, 10)}, which lacks ${path}; it has:\n${files.join('\n')}`,
    );
  },
);

Then(
  'the branch of {string} still holds its commit with {string} containing {string}',
  async function (this: SubplanWorld, id: string, path: string, content: string) {
    const task = this.task(id);
    check(task.branch && task.commit, `${id} has no branch or commit in the summary`);
    assert.equal(
      await this.repo.git('rev-parse', `${task.branch}^{commit}`),
      task.commit,
      `${task.branch} moved`,
    );
    assert.equal(
      await this.repo.git('show', `${task.commit}:${path}`),
      content.replaceAll('\\n', '\n').trimEnd(),
    );
  },
);

Then('my checkout is unchanged', async function (this: SubplanWorld) {
  const before = snapshots.get(this);
  check(before, 'no "Given I note the state of my checkout" step before the run');
  assert.deepEqual(await snapshot(this), before);
});

Then(
  'my checkout is clean and on branch {string}',
  async function (this: SubplanWorld, branch: string) {
    const now = await snapshot(this);
    assert.equal(now.status, '', `git status --porcelain:\n${now.status}`);
    assert.equal(now.branch, branch);
  },
);

Then(
  '{string} in my checkout still contains {string}',
  async function (this: SubplanWorld, path: string, content: string) {
    assert.equal(
      await readFile(join(this.repo.dir, path), 'utf8'),
      content.replaceAll('\\n', '\n'),
    );
  },
);

function resultBranch(world: SubplanWorld): string {
  const branch = world.summary.result_branch;
  check(branch, `the run has no result branch (status ${world.summary.status})`);
  return branch;
}

async function filesAt(world: SubplanWorld, commitish: string): Promise<string[]> {
  return (await world.repo.git('ls-tree', '-r', '--name-only', commitish))
    .split('\n')
    .filter((line) => line !== '');
}

async function snapshot(world: SubplanWorld): Promise<CheckoutSnapshot> {
  return {
    branch: await world.repo.git('symbolic-ref', '--short', 'HEAD'),
    head: await world.repo.git('rev-parse', 'HEAD'),
    status: await world.repo.git('status', '--porcelain', '--untracked-files=all'),
  };
}
