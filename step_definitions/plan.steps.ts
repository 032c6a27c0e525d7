/** Plan files: writing them, validating them, previewing them, and what the user is told. */
import assert from 'node:assert/strict';
import { Given, Then, When } from '@cucumber/cucumber';
import type { PlanPreview } from '../src/run/index.js';
import { check } from '../features/support/check.js';
import type { SubplanWorld } from '../features/support/world.js';

Given('a plan {string}:', async function (this: SubplanWorld, name: string, text: string) {
  await this.writePlan(name, text);
});

When('I validate {string}', async function (this: SubplanWorld, name: string) {
  await this.run(['validate', name]);
});

When('I preview {string}', async function (this: SubplanWorld, name: string) {
  await this.run(['plan', name, '--json']);
});

Then('the error is reported as {string}', function (this: SubplanWorld, expected: string) {
  const lines = stderrLines(this);
  check(
    lines.includes(expected),
    `expected the line\n  ${expected}\nin stderr:\n${this.lastRun.stderr}`,
  );
});

Then('stderr reports exactly these problems:', function (this: SubplanWorld, expected: string) {
  assert.deepEqual(stderrLines(this), expected.split('\n'));
});

Then('every problem is reported as file:line:col: message', function (this: SubplanWorld) {
  const lines = stderrLines(this);
  check(lines.length > 0, 'stderr is empty');
  for (const line of lines)
    assert.match(line, /^[^:\s]+:\d+:\d+: \S/, `not a file:line:col: message line: ${line}`);
});

Then('no stack trace is printed', function (this: SubplanWorld) {
  const { stderr, stdout } = this.lastRun;
  for (const text of [stderr, stdout]) {
    assert.doesNotMatch(text, /^\s+at /m, `a stack trace was printed:\n${text}`);
    assert.doesNotMatch(text, /internal error/, `an internal error was reported:\n${text}`);
  }
});

Then('the preview lists {string} first', function (this: SubplanWorld, id: string) {
  const preview = previewOf(this);
  assert.equal(
    preview.tasks[0]?.id,
    id,
    `tasks in preview order: ${preview.tasks.map((t) => t.id).join(', ')}`,
  );
});

Then('the preview gives the critical path {string}', function (this: SubplanWorld, path: string) {
  assert.deepEqual(previewOf(this).critical_path, path.split(/,\s*/));
});

Then('stdout is a JSON Schema for plan files', function (this: SubplanWorld) {
  const schema = JSON.parse(this.lastRun.stdout) as Record<string, unknown>;
  assert.equal(typeof schema['$schema'], 'string', 'the schema has no `$schema`');
  const properties = schema['properties'] as Record<string, unknown> | undefined;
  check(
    properties && 'phases' in properties && 'max_parallel' in properties,
    'the schema does not describe `phases` and `max_parallel`',
  );
});

function stderrLines(world: SubplanWorld): string[] {
  return world.lastRun.stderr.split('\n').filter((line) => line !== '');
}

function previewOf(world: SubplanWorld): PlanPreview {
  const { stdout, args } = world.lastRun;
  check(
    args[0] === 'plan' && args.includes('--json'),
    'the last command was not `subplan plan ... --json`',
  );
  const preview = JSON.parse(stdout) as PlanPreview;
  assert.equal(preview.type, 'plan');
  return preview;
}
