/** Real agent CLIs through their presets, played by the stand-ins in test/fixtures/stand-ins. */
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Given, Then } from '@cucumber/cucumber';
import { check } from '../features/support/check.js';
import type { SubplanWorld } from '../features/support/world.js';

const STAND_INS = fileURLToPath(new URL('../test/fixtures/stand-ins', import.meta.url));

interface StandInCall {
  readonly cli: string;
  readonly argv: string[];
  readonly env: Record<string, string>;
}

const recordDir = (world: SubplanWorld) => join(world.scratch, 'stand-in-calls');

Given('the agent CLIs are stand-ins on PATH', function (this: SubplanWorld) {
  this.env['PATH'] = `${STAND_INS}${delimiter}${process.env['PATH'] ?? ''}`;
  this.env['STANDIN_RECORD_DIR'] = recordDir(this);
});

Given(
  "subplan's environment has {string} set to {string}",
  function (this: SubplanWorld, name: string, value: string) {
    this.env[name] = value;
  },
);

async function callsOf(world: SubplanWorld, cli: string): Promise<StandInCall[]> {
  const names = await readdir(recordDir(world)).catch(() => [] as string[]);
  const mine = names.filter((name) => name.startsWith(`${cli}-`)).sort();
  return Promise.all(
    mine.map(
      async (name) =>
        JSON.parse(await readFile(join(recordDir(world), name), 'utf8')) as StandInCall,
    ),
  );
}

async function onlyCall(world: SubplanWorld, cli: string): Promise<StandInCall> {
  const calls = await callsOf(world, cli);
  const [call] = calls;
  check(
    calls.length === 1 && call,
    `expected ${cli} to be called once, it was called ${calls.length} times`,
  );
  return call;
}

Then('{word} was called with:', async function (this: SubplanWorld, cli: string, argv: string) {
  const call = await onlyCall(this, cli);
  assert.deepEqual(call.argv, argv.trim().split('|'));
});

Then(
  '{word} was called {int} times',
  async function (this: SubplanWorld, cli: string, count: number) {
    assert.equal((await callsOf(this, cli)).length, count);
  },
);

Then(
  '{word} saw {string} as {string}',
  async function (this: SubplanWorld, cli: string, name: string, value: string) {
    assert.equal((await onlyCall(this, cli)).env[name], value);
  },
);

Then('{word} did not see {string}', async function (this: SubplanWorld, cli: string, name: string) {
  const env = (await onlyCall(this, cli)).env;
  check(!(name in env), `${cli} saw ${name}=${env[name] ?? ''}`);
});

Then(
  'the summary reports task {string} cost ${float} with {int} input and {int} output tokens',
  function (this: SubplanWorld, id: string, cost: number, input: number, output: number) {
    const task = this.task(id);
    assert.equal(task.cost_usd, cost);
    assert.deepEqual(task.tokens, { input, output });
  },
);

Then(
  /^the task "([^"]*)" (?:was )?(cancelled|failed|skipped) because "(.*)"$/,
  function (this: SubplanWorld, id: string, status: string, reason: string) {
    const task = this.task(id);
    assert.equal(task.status, status);
    assert.equal(task.reason, reason);
  },
);

Then('a warning says {string}', function (this: SubplanWorld, text: string) {
  const warnings = this.lastRun.events.flatMap((event) =>
    event.type === 'warning' ? [event.message] : [],
  );
  check(
    warnings.some((message) => message.includes(text)),
    `no warning says "${text}"; warnings:\n${warnings.join('\n')}`,
  );
});
