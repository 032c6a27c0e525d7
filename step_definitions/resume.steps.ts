/**
 * Stopping runs and continuing them: waiting for a held agent, Ctrl-C and kill -9, damaged
 * state files, changed plans, and what `subplan resume` kept and ran again. How often each agent
 * really ran comes from the counted fixture agent's own record, never from what subplan says
 * about itself, so a resume that quietly ran finished work again fails here.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Given, Then, When } from '@cucumber/cucumber';
import type { DataTable } from '@cucumber/cucumber';
import { parseDocument } from 'yaml';
import type { RunResumedEvent } from '../src/core/index.js';
import { check } from '../features/support/check.js';
import { isRunning, waitUntilGone } from '../features/support/processes.js';
import {
  readGatedPids,
  readInvocations,
  releaseGate,
  runningStates,
  stateFileOf,
  waitFor,
} from '../features/support/run-records.js';
import type { SubplanWorld } from '../features/support/world.js';

/** How long to keep looking for something a running subplan is about to do. */
const PATIENCE_MS = 60_000;

/** Agents still running right after their subplan was killed: the orphans resume must stop. */
const orphansOf = new WeakMap<SubplanWorld, number[]>();
/** What a damaged state file held, to find it again where it was moved. */
const damagedStateOf = new WeakMap<SubplanWorld, string>();

When(
  /^the agent of "([^"]+)" is waiting to be released( again)?$/,
  async function (this: SubplanWorld, task: string, again: string | null) {
    const nth = again ? 2 : 1;
    const pid = await waitFor(
      `the agent of ${task} has started ${nth === 1 ? 'once' : 'twice'} and is held at the gate`,
      async () => {
        const runs = (await readInvocations(this.scratch)).filter((i) => i.task === task);
        const held = await readGatedPids(this.scratch);
        const mine = runs[nth - 1]?.pid;
        return mine !== undefined && held.includes(mine) ? mine : undefined;
      },
      { timeoutMs: PATIENCE_MS, describe: () => describeAgents(this) },
    );
    check(isRunning(pid), `the agent of ${task} (pid ${pid}) is held, but not running`);
  },
);

When(
  /^subplan has recorded that "([^"]+)"(?: and "([^"]+)")? succeeded$/,
  async function (this: SubplanWorld, first: string, second: string | null) {
    const tasks = second ? [first, second] : [first];
    await waitFor(
      `the state of the running run says ${tasks.join(' and ')} succeeded`,
      async () => {
        const [state, ...others] = await runningStates(this.repo.dir);
        if (!state || others.length > 0) return undefined;
        const done = tasks.every(
          (id) => state.tasks.find((task) => task.id === id)?.status === 'succeeded',
        );
        return done ? true : undefined;
      },
      { timeoutMs: PATIENCE_MS, describe: () => describeRunning(this) },
    );
  },
);

When(
  'subplan has recorded the process of the agent of {string}',
  async function (this: SubplanWorld, task: string) {
    // `agent-spawned` can only follow the spawn; resume finds orphans through it, so a kill -9
    // before it is on disk would test a different case (an agent subplan never knew about).
    await waitFor(
      `the state of the running run records the process of ${task}'s agent`,
      async () => {
        const held = await readGatedPids(this.scratch);
        const [state] = await runningStates(this.repo.dir);
        const pid = state?.tasks.find((t) => t.id === task)?.pid;
        return pid !== undefined && pid !== null && held.includes(pid) ? pid : undefined;
      },
      { timeoutMs: PATIENCE_MS, describe: () => describeRunning(this) },
    );
  },
);

When('I kill subplan with SIGKILL', async function (this: SubplanWorld) {
  const child = this.background?.process;
  check(child, 'no subplan is running in the background');
  check(child.kill('SIGKILL'), 'could not signal the subplan process');
  const run = await this.finishBackground();
  // A process killed by a signal has no exit code; the world records that as -1.
  run.exitChecked = true;
  assert.equal(run.exitCode, -1, `subplan was not killed by the signal: it exited ${run.exitCode}`);
  const held = await readGatedPids(this.scratch);
  orphansOf.set(this, held.filter(isRunning));
});

Then(
  'the agent of {string} is still running, left behind by the killed subplan',
  function (this: SubplanWorld, task: string) {
    const orphans = orphansOf.get(this) ?? [];
    check(
      orphans.length > 0,
      `no agent of ${task} outlived subplan; the resume would have no orphan to stop`,
    );
  },
);

Then(
  'the agent left behind by the killed subplan is no longer running',
  async function (this: SubplanWorld) {
    const orphans = orphansOf.get(this);
    check(orphans && orphans.length > 0, 'no agent was left behind by a killed subplan');
    const alive = await waitUntilGone(orphans, { timeoutMs: 10_000 });
    assert.deepEqual(alive, [], `agents left behind are still running: ${alive.join(', ')}`);
  },
);

Then(
  'the agent of {string} is still waiting to be released',
  async function (this: SubplanWorld, task: string) {
    const last = (await readInvocations(this.scratch)).filter((i) => i.task === task).at(-1);
    check(last, `the agent of ${task} never ran`);
    check(
      (await readGatedPids(this.scratch)).includes(last.pid),
      `the last agent of ${task} (pid ${last.pid}) was never held`,
    );
    check(isRunning(last.pid), `the agent of ${task} (pid ${last.pid}) is no longer running`);
  },
);

Given('I release the agent of {string}', async function (this: SubplanWorld, task: string) {
  await releaseGate(this.scratch, task);
});

Then(
  'the agents have run this many times in all:',
  async function (this: SubplanWorld, table: DataTable) {
    const counted = new Map<string, number>();
    for (const { task } of await readInvocations(this.scratch))
      counted.set(task, (counted.get(task) ?? 0) + 1);
    const expected = Object.fromEntries(
      table.hashes().map((row): [string, number] => [row['agent'] ?? '', Number(row['runs'])]),
    );
    // Every listed agent, with 0 for one that never ran, and any agent that ran unlisted.
    const actual = Object.fromEntries(
      [...new Set([...Object.keys(expected), ...counted.keys()])].map((task) => [
        task,
        counted.get(task) ?? 0,
      ]),
    );
    assert.deepEqual(actual, expected, 'how many times each agent ran, across every run');
  },
);

Then(
  'the resume kept {string} and ran {string} again',
  function (this: SubplanWorld, kept: string, rerun: string) {
    const resumed = this.lastRun.events.filter(
      (event): event is RunResumedEvent => event.type === 'run-resumed',
    );
    check(
      resumed.length === 1 && resumed[0],
      `the last command (${this.lastRun.args.join(' ')}) printed ${resumed.length} run-resumed events; was it a resume with --json?`,
    );
    assert.deepEqual(
      { kept: resumed[0].kept, rerun: resumed[0].rerun },
      { kept: listOf(kept), rerun: listOf(rerun) },
    );
    const before = this.lastRun.events.indexOf(resumed[0]);
    check(before === 0, `run-resumed is event #${before}, not the first`);
  },
);

Then(
  'stderr names the subplan running in the background as the holder of the run',
  function (this: SubplanWorld) {
    const pid = this.background?.process.pid;
    check(pid !== undefined, 'no subplan is running in the background');
    const { stderr } = this.lastRun;
    check(
      new RegExp(`\\bprocess ${pid}\\b`).test(stderr),
      `stderr does not name process ${pid}, which holds the run:\n${stderr}`,
    );
  },
);

When(
  /^the run's state file is (cut off halfway|replaced by text that is not JSON|marked with schema version \d+)$/,
  async function (this: SubplanWorld, damage: string) {
    const file = stateFileOf(this.repo.dir, this.latestRunId());
    const text = await readFile(file, 'utf8');
    const version = /schema version (\d+)/.exec(damage)?.[1];
    const damaged =
      version !== undefined
        ? JSON.stringify({ ...(JSON.parse(text) as object), schema_version: Number(version) })
        : damage === 'cut off halfway'
          ? text.slice(0, Math.floor(text.length / 2))
          : 'this is not JSON\n';
    await writeFile(file, damaged);
    damagedStateOf.set(this, damaged);
  },
);

Then(
  /^the damaged state file was moved aside to "state\.json\.corrupt-<timestamp>", as stderr says$/,
  async function (this: SubplanWorld) {
    const damaged = damagedStateOf.get(this);
    check(damaged !== undefined, 'no state file was damaged in this scenario');
    const file = stateFileOf(this.repo.dir, this.latestRunId());
    check(!existsSync(file), `${file} is still there`);
    const aside = (await readdir(dirname(file))).filter((name) =>
      name.startsWith('state.json.corrupt-'),
    );
    check(aside.length === 1 && aside[0], `files moved aside: ${aside.join(', ') || 'none'}`);
    assert.match(aside[0], /^state\.json\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    assert.equal(await readFile(join(dirname(file), aside[0]), 'utf8'), damaged);
    const { stderr } = this.lastRun;
    check(
      stderr.includes(join(dirname(file), aside[0])),
      `stderr does not say where the file went:\n${stderr}`,
    );
  },
);

When(
  "the last line of the run's event log is cut short, as a crash while writing it leaves it",
  async function (this: SubplanWorld) {
    const file = join(dirname(stateFileOf(this.repo.dir, this.latestRunId())), 'events.ndjson');
    const lines = (await readFile(file, 'utf8')).split('\n');
    check(lines.pop() === '', `${file} does not end with a whole line`);
    const last = lines.pop();
    check(last !== undefined && last.length > 2, `${file} has no event to cut short`);
    // What a crash in the middle of appending the line leaves: its first half, no newline.
    await writeFile(file, [...lines, last.slice(0, Math.floor(last.length / 2))].join('\n'));
  },
);

When("the run's state file is lost", async function (this: SubplanWorld) {
  await rm(stateFileOf(this.repo.dir, this.latestRunId()));
});

When(
  'I change the prompt of {string} in {string} to {string}',
  async function (this: SubplanWorld, phase: string, name: string, prompt: string) {
    const file = join(this.repo.dir, name);
    const document = parseDocument(await readFile(file, 'utf8'));
    const phases = document.toJS() as { phases?: { id?: string }[] };
    const index = (phases.phases ?? []).findIndex((p) => p.id === phase);
    check(index >= 0, `${name} has no phase ${phase}`);
    document.setIn(['phases', index, 'prompt'], prompt);
    await writeFile(file, document.toString());
  },
);

Then('no agent process is left running', async function (this: SubplanWorld) {
  const pids = [
    ...(await readInvocations(this.scratch)).map((i) => i.pid),
    ...(await readGatedPids(this.scratch)),
  ];
  check(pids.length > 0, 'no agent ran; the claim would be empty');
  const alive = await waitUntilGone([...new Set(pids)], { timeoutMs: 5_000 });
  assert.deepEqual(alive, [], `agent processes still running: ${alive.join(', ')}`);
});

Then(
  /^the result branch holds the same files as the result of the (first|resumed) run$/,
  async function (this: SubplanWorld, which: string) {
    const earlier = this.runs
      .slice(0, -1)
      .filter((run) => run.summary && (which === 'first' || run.args[0] === 'resume'));
    const other = which === 'first' ? earlier[0] : earlier.at(-1);
    check(other?.summary, `no ${which} run with a summary before the last one`);
    const theirs = other.summary.result_branch;
    const ours = this.summary.result_branch;
    check(theirs && ours, `a run has no result branch: ${String(theirs)}, ${String(ours)}`);
    check(theirs !== ours, 'both are the same run');
    const tree = (branch: string) => this.repo.git('rev-parse', `${branch}^{tree}`);
    const [a, b] = [await tree(theirs), await tree(ours)];
    if (a !== b) {
      const diff = await this.repo.git('diff', '--stat', theirs, ours);
      assert.fail(`${ours} differs from ${theirs}:\n${diff}`);
    }
  },
);

function listOf(text: string): string[] {
  return text.split(/,\s*/).filter((item) => item !== '');
}

async function describeAgents(world: SubplanWorld): Promise<string> {
  const runs = await readInvocations(world.scratch);
  const held = await readGatedPids(world.scratch);
  return `agents that ran: ${runs.map((i) => `${i.task} (${i.pid})`).join(', ') || 'none'}; held: ${held.join(', ') || 'none'}`;
}

async function describeRunning(world: SubplanWorld): Promise<string> {
  const states = await runningStates(world.repo.dir);
  const tasks = states.map((state) =>
    state.tasks.map((t) => `${t.id}: ${t.status}${t.pid ? ` (pid ${t.pid})` : ''}`).join(', '),
  );
  return `${states.length} run(s) in progress: ${tasks.join(' | ') || '-'}`;
}
