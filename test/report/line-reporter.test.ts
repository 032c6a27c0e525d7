import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/core/index.js';
import { LineReporter, wantsColor } from '../../src/report/index.js';
import { describeEvent } from '../../src/report/line-reporter.js';
import { MemoryStream } from '../helpers/memory-stream.js';

const base = { ts: '2026-11-23T10:00:00.000Z', run_id: 'r' };
const output = (task: string, line: string): RunEvent => ({
  ...base,
  type: 'task-output',
  task,
  phase: task,
  stream: 'stdout',
  line,
});
const finished = (task: string): RunEvent => ({
  ...base,
  type: 'task-finished',
  task,
  phase: task,
  kind: 'agent',
  attempt: 1,
  outcome: { status: 'succeeded', commit: 'abcdef1234567890' },
  reason: null,
  duration_ms: 1500,
});

describe('LineReporter', () => {
  const interleaved = [
    output('a', 'a1'),
    output('b', 'b1'),
    output('a', 'a2'),
    output('b', 'b2'),
    finished('b'),
    finished('a'),
  ];

  it('streams agent lines as they come, each prefixed with its task', () => {
    const out = new MemoryStream();
    const reporter = new LineReporter({ out });
    interleaved.forEach((e) => reporter.onEvent(e));
    expect(out.lines().slice(0, 4)).toEqual(['[a] a1', '[b] b1', '[a] a2', '[b] b2']);
  });

  it('groups each task’s lines into one block when the task ends', () => {
    const out = new MemoryStream();
    const writes: string[] = [];
    const reporter = new LineReporter({
      out: { write: (t) => (writes.push(t), out.write(t)) },
      output: 'grouped',
    });
    interleaved.forEach((e) => reporter.onEvent(e));
    expect(out.lines()).toEqual([
      '[b] b1',
      '[b] b2',
      '[b] succeeded at abcdef1234 in 1.5s',
      '[a] a1',
      '[a] a2',
      '[a] succeeded at abcdef1234 in 1.5s',
    ]);
    expect(writes[0]).toBe('[b] b1\n[b] b2\n');
  });

  it('leaves agent lines to the log files when quiet, and paints only when asked', () => {
    const quiet = new MemoryStream();
    const reporter = new LineReporter({ out: quiet, output: 'quiet' });
    interleaved.forEach((e) => reporter.onEvent(e));
    expect(quiet.lines()).toEqual([
      '[b] succeeded at abcdef1234 in 1.5s',
      '[a] succeeded at abcdef1234 in 1.5s',
    ]);
    const colored = new MemoryStream();
    new LineReporter({ out: colored, color: true }).onEvent(finished('a'));
    expect(colored.text).toContain('\u001b[');
    expect(quiet.text).not.toContain('\u001b[');
  });
});

describe('wantsColor', () => {
  it('colors terminals only, honours NO_COLOR and FORCE_COLOR', () => {
    expect(wantsColor({}, true)).toBe(true);
    expect(wantsColor({}, false)).toBe(false);
    expect(wantsColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(wantsColor({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(wantsColor({ FORCE_COLOR: '0' }, true)).toBe(true);
    expect(wantsColor({ FORCE_COLOR: '0', NO_COLOR: '1' }, true)).toBe(false);
    expect(wantsColor({ TERM: 'dumb' }, true)).toBe(false);
  });
});

describe('--output', () => {
  it('rejects an unknown mode with exit 2 before anything runs', async () => {
    const { createTempRepo } = await import('../helpers/temp-repo.js');
    const { runSubplan } = await import('../helpers/run-cli.js');
    const { writeFile } = await import('node:fs/promises');
    await using repo = await createTempRepo();
    await writeFile(
      `${repo.dir}/plan.yaml`,
      'version: 1\nagent: { preset: demo }\nphases:\n  - { id: a, prompt: x }\n',
    );
    const result = await runSubplan(['run', 'plan.yaml', '--output', 'loud'], { cwd: repo.dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'expected --output to be one of live, stream, grouped, quiet, got `loud`',
    );
  });
});

describe('verify and resolver lines', () => {
  const verify = { task: 'api', phase: 'api', commit: 'c0ffee', duration_ms: 5 } as const;

  it('names the verify commands, and the command that failed with why', () => {
    expect(
      describeEvent({
        ...base,
        ...verify,
        type: 'verify-started',
        attempt: 2,
        commands: [['npm', 'test'], ['make']],
      }),
    ).toBe('[api] verify (after the fix, attempt 2): npm test, make');
    expect(
      describeEvent({
        ...base,
        ...verify,
        type: 'verify-finished',
        attempt: 1,
        passed: false,
        failed_command: ['npm', 'test'],
        failure: 'exited with code 1',
      }),
    ).toBe('[api] verify FAILED: `npm test` exited with code 1');
  });

  it('says why the resolver did not resolve a conflict', () => {
    expect(
      describeEvent({
        ...base,
        type: 'task-finished',
        task: 'result',
        phase: 'result',
        kind: 'merge',
        attempt: 1,
        outcome: {
          status: 'conflict',
          files: ['a.txt'],
          sources: ['x', 'y'],
          resolverFailure: 'conflict markers remain in a.txt',
        },
        reason: null,
      }),
    ).toBe(
      '[result] CONFLICT merging x, y: a.txt (the resolver did not resolve it: conflict markers remain in a.txt)',
    );
  });
});
