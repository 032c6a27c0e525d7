/** Running subplan, the exit code, the summary, and what the user sees on stdout and stderr. */
import assert from 'node:assert/strict';
import { Then, When } from '@cucumber/cucumber';
import type { DataTable } from '@cucumber/cucumber';
import type { TaskSummary } from '../src/run/index.js';
import { check } from '../features/support/check.js';
import { waitForPids, waitUntilGone } from '../features/support/processes.js';
import { splitArgs } from '../features/support/world.js';
import type { SubplanWorld } from '../features/support/world.js';

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

When('I run subplan with {string}', async function (this: SubplanWorld, command: string) {
  await this.run(splitArgs(this.expand(command)));
});

When('I start subplan with {string}', function (this: SubplanWorld, command: string) {
  this.startBackground(splitArgs(this.expand(command)));
});

When(
  'the agent has written its pid to {string}',
  async function (this: SubplanWorld, file: string) {
    await waitForPids(this.expand(file), { timeoutMs: 60_000 });
  },
);

When('I press Ctrl-C', function (this: SubplanWorld) {
  const child = this.background?.process;
  check(child, 'no subplan is running in the background');
  // Ctrl-C in a terminal sends SIGINT to the foreground group; agents run in their own groups,
  // so the CLI alone receiving it is the realistic case, and the CLI must stop them itself.
  check(child.kill('SIGINT'), 'could not signal the subplan process');
});

When('subplan has exited', async function (this: SubplanWorld) {
  await this.finishBackground();
});

Then('it exits with code {int}', function (this: SubplanWorld, code: number) {
  const run = this.lastRun;
  run.exitChecked = true;
  const tasks = run.summary ? `\ntasks:\n${problemsOf(run.summary.tasks)}` : '';
  assert.equal(
    run.exitCode,
    code,
    `\`subplan ${run.args.join(' ')}\` exited ${run.exitCode}, expected ${code}; stderr:\n${run.stderr}${tasks}`,
  );
});

Then(
  'the agent processes listed in {string} are no longer running',
  async function (this: SubplanWorld, file: string) {
    // The pid file must exist: the agent was running when it was stopped, or the claim is empty.
    const pids = await waitForPids(this.expand(file), { timeoutMs: 2_000 });
    const alive = await waitUntilGone(pids, { timeoutMs: 5_000 });
    assert.deepEqual(alive, [], `agent processes still running: ${alive.join(', ')}`);
  },
);

Then('the run status is {string}', function (this: SubplanWorld, status: string) {
  assert.equal(this.summary.status, status, problemsOf(this.summary.tasks));
});

Then('there is no result branch', function (this: SubplanWorld) {
  assert.equal(this.summary.result_branch, null);
});

Then('task {string} is {string}', function (this: SubplanWorld, id: string, status: string) {
  assert.equal(this.task(id).status, status, problemsOf(this.summary.tasks));
});

Then('the tasks ended like this:', function (this: SubplanWorld, table: DataTable) {
  const actual = Object.fromEntries(this.summary.tasks.map((task) => [task.id, task.status]));
  const expected = Object.fromEntries(
    table.hashes().map((row): [string, string] => [row['task'] ?? '', row['status'] ?? '']),
  );
  assert.deepEqual(actual, expected, problemsOf(this.summary.tasks));
});

Then('{int} agent tasks succeeded', function (this: SubplanWorld, count: number) {
  const agents = this.summary.tasks.filter((task) => task.kind === 'agent');
  assert.deepEqual(
    agents
      .filter((task) => task.status !== 'succeeded')
      .map((task) => `${task.id}: ${task.reason ?? task.status}`),
    [],
  );
  assert.equal(agents.length, count);
});

Then('stdout is empty', function (this: SubplanWorld) {
  assert.equal(this.lastRun.stdout, '');
});

Then('stdout contains {string}', function (this: SubplanWorld, text: string) {
  check(
    this.lastRun.stdout.includes(text),
    `stdout does not contain ${JSON.stringify(text)}:\n${this.lastRun.stdout}`,
  );
});

Then('stderr contains {string}', function (this: SubplanWorld, text: string) {
  check(
    this.lastRun.stderr.includes(text),
    `stderr does not contain ${JSON.stringify(text)}:\n${this.lastRun.stderr}`,
  );
});

Then('stderr has the line {string}', function (this: SubplanWorld, line: string) {
  const lines = this.lastRun.stderr.split('\n');
  check(
    lines.includes(line),
    `stderr has no line ${JSON.stringify(line)}:\n${this.lastRun.stderr}`,
  );
});

Then('no line of stderr starts with {string}', function (this: SubplanWorld, prefix: string) {
  const offending = this.lastRun.stderr.split('\n').filter((line) => line.startsWith(prefix));
  assert.deepEqual(offending, []);
});

Then(
  'a line of stderr mentions {string}, {string} and {string}',
  function (this: SubplanWorld, a: string, b: string, c: string) {
    const lines = this.lastRun.stderr.split('\n');
    check(
      lines.some((line) => [a, b, c].every((word) => line.includes(word))),
      `no line of stderr mentions all of ${a}, ${b}, ${c}:\n${this.lastRun.stderr}`,
    );
  },
);

Then('every line of stdout is a JSON object', function (this: SubplanWorld) {
  const lines = this.lastRun.stdout.split('\n');
  assert.equal(lines.pop(), '', 'stdout does not end with a newline');
  check(lines.length > 0, 'stdout is empty');
  lines.forEach((line, index) => {
    let value: unknown;
    assert.doesNotThrow(
      () => (value = JSON.parse(line)),
      `line ${index + 1} of stdout is not JSON: ${line}`,
    );
    check(
      value !== null && typeof value === 'object' && !Array.isArray(value),
      `line ${index + 1} is not an object: ${line}`,
    );
  });
});

Then(
  'the last line of stdout is the summary with schema version {int}',
  function (this: SubplanWorld, version: number) {
    const last = JSON.parse(this.lastRun.stdout.trimEnd().split('\n').at(-1) ?? 'null') as Record<
      string,
      unknown
    >;
    assert.equal(last['type'], 'summary');
    assert.equal(last['schema_version'], version);
    check(
      this.lastRun.events.every((event) => (event.type as string) !== 'summary'),
      'a summary appeared before the last line',
    );
  },
);

Then('every task in the summary has the fields:', function (this: SubplanWorld, table: DataTable) {
  const fields = table.raw().map((row) => row[0] ?? '');
  check(this.summary.tasks.length > 0, 'the summary lists no tasks');
  for (const task of this.summary.tasks) {
    const missing = fields.filter((field) => !(field in task));
    assert.deepEqual(missing, [], `task ${task.id} lacks fields`);
  }
});

Then('every timestamp is ISO-8601 in UTC with milliseconds', function (this: SubplanWorld) {
  const stamps: [string, string | null | undefined][] = [];
  for (const event of this.lastRun.events) {
    stamps.push([`${event.type} ts`, event.ts]);
    if (event.type === 'task-finished' && event.started_at !== undefined)
      stamps.push([`${event.type} started_at`, event.started_at]);
  }
  const summary = this.summary;
  stamps.push(
    ['summary started_at', summary.started_at],
    ['summary finished_at', summary.finished_at],
  );
  for (const task of summary.tasks) {
    stamps.push(
      [`${task.id} started_at`, task.started_at],
      [`${task.id} finished_at`, task.finished_at],
    );
  }
  check(this.lastRun.events.length > 0, 'no events');
  for (const [where, stamp] of stamps) {
    if (stamp === null) continue;
    assert.match(stamp ?? 'missing', ISO_MS, `${where} is ${String(stamp)}`);
  }
});

function problemsOf(tasks: readonly TaskSummary[]): string {
  return tasks
    .map((task) => `${task.id}: ${task.status}${task.reason ? ` (${task.reason})` : ''}`)
    .join('\n');
}
