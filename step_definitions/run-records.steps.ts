/**
 * What subplan keeps about runs and what it tells about them: `status`, `list` and `clean`, and
 * the result cache. Claims are checked against the repository itself (branches, worktrees, the
 * run's directory) and against the summaries the runs printed, not only against what the command
 * under test says.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Given, Then } from '@cucumber/cucumber';
import type { DataTable } from '@cucumber/cucumber';
import type { RunListing, RunSummary } from '../src/run/index.js';
import type { RunState } from '../src/state/index.js';
import { check } from '../features/support/check.js';
import type { SubplanWorld } from '../features/support/world.js';

interface StatusOutput {
  readonly schema_version: number;
  readonly state: RunState;
  readonly alive: boolean;
  readonly running: number;
}

interface CleanOutput {
  readonly cleaned: readonly { run_id: string; branches: number; worktrees: number }[];
  readonly pooled_worktrees: number;
  readonly kept: readonly { run_id: string; branch: string; reason: string }[];
  readonly skipped: readonly { run_id: string; reason: string }[];
}

const recordSnapshots = new WeakMap<SubplanWorld, Map<string, string>>();

Then('every agent task was served from the cache', function (this: SubplanWorld) {
  const agents = this.summary.tasks.filter((task) => task.kind === 'agent');
  check(agents.length > 0, 'the run had no agent tasks');
  assert.deepEqual(
    agents.filter((task) => !task.cached || task.status !== 'succeeded').map((task) => task.id),
    [],
    'agent tasks not served from the cache',
  );
  const spawned = this.lastRun.events.filter((event) => event.type === 'agent-spawned');
  assert.deepEqual(
    spawned.map((event) => event.task),
    [],
    'agents were started anyway',
  );
});

Then('no task was served from the cache', function (this: SubplanWorld) {
  assert.deepEqual(
    this.summary.tasks.filter((task) => task.cached).map((task) => task.id),
    [],
    'tasks served from the cache',
  );
  const agents = this.summary.tasks.filter((task) => task.kind === 'agent').map((t) => t.id);
  const spawned = this.lastRun.events.flatMap((event) =>
    event.type === 'agent-spawned' ? [event.task] : [],
  );
  assert.deepEqual([...spawned].sort(), [...agents].sort(), 'agents started');
});

Then(
  'the results of the first run are kept reachable under {string}',
  async function (this: SubplanWorld, prefix: string) {
    const first = this.runs.find((run) => run.summary)?.summary;
    check(first, 'no run printed a summary');
    const targets = new Set(
      (await this.repo.git('for-each-ref', '--format=%(objectname)', prefix))
        .split('\n')
        .filter(Boolean),
    );
    const missing = first.tasks
      .filter((task) => task.kind === 'agent')
      .filter((task) => task.commit === null || !targets.has(task.commit))
      .map((task) => `${task.id} (${task.commit ?? 'no commit'})`);
    assert.deepEqual(missing, [], `agent results that no ref under ${prefix} points at`);
  },
);

Given("I note the run's record", async function (this: SubplanWorld) {
  recordSnapshots.set(this, await snapshotDir(runDirOf(this)));
});

Then("the run's record is unchanged", async function (this: SubplanWorld) {
  const before = recordSnapshots.get(this);
  check(before, `no "Given I note the run's record" step before`);
  assert.deepEqual(await snapshotDir(runDirOf(this)), before);
});

Then(
  'the status shows the run as {string}, with these tasks:',
  function (this: SubplanWorld, status: string, table: DataTable) {
    const { state } = statusOf(this);
    assert.equal(state.run_id, this.latestRunId(), 'the run shown');
    assert.equal(state.status, status, 'the status of the run');
    const expected = Object.fromEntries(
      table.hashes().map((row): [string, string] => [row['task'] ?? '', row['status'] ?? '']),
    );
    assert.deepEqual(Object.fromEntries(state.tasks.map((t) => [t.id, t.status])), expected);
  },
);

Then(
  /^the status counts (\d+) agents? running, and the run's process as (alive|gone)$/,
  function (this: SubplanWorld, running: string, alive: string) {
    const output = statusOf(this);
    assert.equal(output.running, Number(running), 'agents running');
    assert.equal(output.alive, alive === 'alive', "whether the run's process is alive");
  },
);

Then(
  "the status agrees with the run's summary on every task's branch, commit and attempts",
  function (this: SubplanWorld) {
    const { state } = statusOf(this);
    const summary = summaryOf(this, state.run_id);
    const pick = (t: {
      id: string;
      branch: string | null;
      commit: string | null;
      attempts: number;
    }) => ({ id: t.id, branch: t.branch, commit: t.commit, attempts: t.attempts });
    assert.deepEqual(state.tasks.map(pick), summary.tasks.map(pick));
    assert.equal(state.base_commit, summary.base_commit, 'base commit');
    assert.equal(state.result_branch, summary.result_branch, 'result branch');
  },
);

Then(
  'the list shows the runs of this scenario, oldest first:',
  function (this: SubplanWorld, table: DataTable) {
    const listed = listOf(this);
    const started = this.runs.flatMap((run) =>
      run.args[0] === 'run' && run.summary ? [run.summary] : [],
    );
    assert.deepEqual(
      listed.map((run) => run.run_id),
      started.map((run) => run.run_id),
      'run ids, in the order the runs started',
    );
    assert.deepEqual(
      listed.map(({ plan, status }) => ({ plan, status })),
      table.hashes().map((row) => ({ plan: row['plan'], status: row['status'] })),
    );
    // The listed times come from the run's record, which timestamps its own events; they need
    // not equal the summary's to the millisecond, but each run must have ended after it started,
    // and each one started after the one before it.
    let previousStart = '';
    for (const run of listed) {
      check(
        run.started_at !== null && run.finished_at !== null && run.started_at <= run.finished_at,
        `${run.run_id} started at ${String(run.started_at)} and finished at ${String(run.finished_at)}`,
      );
      check(
        previousStart <= run.started_at,
        `${run.run_id} is listed after a run that started later`,
      );
      previousStart = run.started_at;
    }
  },
);

Then(
  /^the list shows the run as "([^"]+)", with its process (alive|gone)$/,
  function (this: SubplanWorld, status: string, alive: string) {
    const listed = listOf(this).filter((run) => run.run_id === this.latestRunId());
    assert.deepEqual(
      listed.map((run) => ({ status: run.status, alive: run.alive })),
      [{ status, alive: alive === 'alive' }],
    );
  },
);

Then('the list is empty', function (this: SubplanWorld) {
  assert.deepEqual(listOf(this), []);
});

Then(
  'the run left branches, worktrees and its record in the repository',
  async function (this: SubplanWorld) {
    const left = await leftovers(this, this.latestRunId());
    check(left.branches.length > 0, 'the run left no branch');
    check(left.worktrees.length > 0, 'the run left no worktree');
    check(left.record, 'the run left no record');
  },
);

Then(
  /^clean reports the run cleaned, with (\d+) branch(?:es)? and (\d+) worktrees?, and the worktree pool emptied$/,
  async function (this: SubplanWorld, branches: string, worktrees: string) {
    const output = cleanOf(this);
    assert.deepEqual(output.cleaned, [
      { run_id: this.latestRunId(), branches: Number(branches), worktrees: Number(worktrees) },
    ]);
    assert.deepEqual(output.kept, [], 'branches kept');
    assert.deepEqual(output.skipped, []);
    // How many idle worktrees the run pooled depends on how its tasks overlapped; all are gone.
    check(output.pooled_worktrees > 0, 'the run left no worktree in the pool');
    const pooled = (await this.repo.git('worktree', 'list', '--porcelain'))
      .split('\n')
      .filter((line) => line.startsWith('worktree ') && line.includes('/.subplan/worktrees/pool/'));
    assert.deepEqual(pooled, []);
  },
);

Then(
  'clean cleaned nothing and left the run alone, naming the subplan running in the background',
  function (this: SubplanWorld) {
    const pid = this.background?.process.pid;
    check(pid !== undefined, 'no subplan is running in the background');
    const output = cleanOf(this);
    assert.deepEqual(output.cleaned, [], 'runs cleaned');
    assert.deepEqual(
      output.skipped.map((run) => run.run_id),
      [this.latestRunId()],
      'runs left alone',
    );
    const reason = output.skipped[0]?.reason ?? '';
    check(
      new RegExp(`\\bprocess ${pid}\\b`).test(reason),
      `the reason does not name process ${pid}: ${reason}`,
    );
  },
);

Then('nothing of the run is left in the repository', async function (this: SubplanWorld) {
  const runId = this.latestRunId();
  assert.deepEqual(await leftovers(this, runId), { branches: [], worktrees: [], record: false });
  const dir = join(this.repo.dir, '.subplan', 'worktrees', runId);
  check(!existsSync(dir), `${dir} is still there`);
});

Then('the run is still in the repository', async function (this: SubplanWorld) {
  const left = await leftovers(this, this.latestRunId());
  check(left.branches.length > 0, 'its branches are gone');
  check(left.record, 'its record is gone');
});

function runDirOf(world: SubplanWorld): string {
  return join(world.repo.dir, '.subplan', 'runs', world.latestRunId());
}

/** Every file under `dir` with its content; a lock refresh or a rewrite shows up as a change. */
async function snapshotDir(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = new Map<string, string>();
  for (const entry of entries.filter((e) => e.isFile())) {
    const path = join(entry.parentPath, entry.name);
    files.set(relative(dir, path), await readFile(path, 'utf8'));
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

function jsonOf(world: SubplanWorld, command: string): unknown {
  const { args, stdout, exitCode } = world.lastRun;
  check(
    args[0] === command && args.includes('--json'),
    `the last command was not \`subplan ${command} ... --json\`: ${args.join(' ')}`,
  );
  check(exitCode === 0, `\`subplan ${args.join(' ')}\` exited ${exitCode}`);
  return JSON.parse(stdout);
}

function statusOf(world: SubplanWorld): StatusOutput {
  const output = jsonOf(world, 'status') as StatusOutput;
  assert.equal(output.schema_version, 1, 'schema_version of the status');
  return output;
}

function listOf(world: SubplanWorld): RunListing[] {
  const output = jsonOf(world, 'list') as RunListing[];
  check(Array.isArray(output), `list --json printed no array: ${world.lastRun.stdout}`);
  return output;
}

function cleanOf(world: SubplanWorld): CleanOutput {
  return jsonOf(world, 'clean') as CleanOutput;
}

function summaryOf(world: SubplanWorld, runId: string): RunSummary {
  const summary = [...world.runs].reverse().find((run) => run.summary?.run_id === runId)?.summary;
  check(summary, `no command of this scenario printed the summary of ${runId}`);
  return summary;
}

/** What of a run is in the repository: its branches, its worktrees, and whether its record is. */
async function leftovers(
  world: SubplanWorld,
  runId: string,
): Promise<{ branches: string[]; worktrees: string[]; record: boolean }> {
  const branches = (
    await world.repo.git(
      'for-each-ref',
      '--format=%(refname:short)',
      `refs/heads/subplan/${runId}/`,
    )
  )
    .split('\n')
    .filter(Boolean);
  const worktrees = (await world.repo.git('worktree', 'list', '--porcelain'))
    .split('\n')
    .filter((line) => line.startsWith('worktree ') && line.includes(`/${runId}/`))
    .map((line) => line.slice('worktree '.length));
  return {
    branches,
    worktrees,
    record: existsSync(join(world.repo.dir, '.subplan', 'runs', runId)),
  };
}
