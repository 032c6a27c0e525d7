/** The user's repository before a run: files, uncommitted changes, and a barrier for agents. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Given } from '@cucumber/cucumber';
import type { DataTable } from '@cucumber/cucumber';
import type { SubplanWorld } from '../features/support/world.js';

Given('a git repository', async function (this: SubplanWorld) {
  await this.createRepo();
});

Given('a git repository with files:', async function (this: SubplanWorld, table: DataTable) {
  const files: Record<string, string> = {};
  for (const row of table.hashes()) {
    const path = row['path'];
    if (path === undefined) throw new Error('the table needs a `path` column');
    files[path] = (row['content'] ?? '').replaceAll('\\n', '\n');
  }
  await this.createRepo(files);
});

Given('I commit everything in my checkout', async function (this: SubplanWorld) {
  await this.repo.commitAll('add the plan');
});

Given(
  'I change {string} to {string} without committing',
  async function (this: SubplanWorld, path: string, content: string) {
    await writeFile(join(this.repo.dir, path), content.replaceAll('\\n', '\n'));
  },
);

Given(
  'an untracked file {string} in my checkout',
  async function (this: SubplanWorld, path: string) {
    await writeFile(join(this.repo.dir, path), 'not committed\n');
  },
);

Given(
  'a barrier that releases agents once {int} of them wait together, for {int} agents in all',
  async function (this: SubplanWorld, target: number, total: number) {
    await this.createBarrier({ target, total });
  },
);
