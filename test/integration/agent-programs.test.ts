/**
 * Agents' programs are looked up on the agents' PATH before a run or a resume starts anything; a
 * missing one is a located plan problem (exit 2), and only a warning for `validate`.
 */
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempDir, createTempRepo } from '../helpers/temp-repo.js';

const plan = [
  'version: 1',
  'phases:',
  '  - id: cmd',
  '    prompt: x',
  '    agent: { command: [no-such-agent-bin, "{prompt}"] }',
  '  - id: pre',
  '    prompt: x',
  '    agent: { preset: claude }',
  '  - id: templated',
  '    prompt: x',
  '    agent: { command: ["{worktree}/agent", "{prompt}"] }',
  '',
].join('\n');

const missing = [
  'plan.yaml:5:24: agent program `no-such-agent-bin` not found on PATH',
  'plan.yaml:8:22: the `claude` preset runs `claude`, which is not found on PATH (is it installed?)',
];

describe('agent programs checked up front', () => {
  it('stops a run before it starts when a program is not on the agents PATH', async () => {
    await using repo = await createTempRepo();
    await using empty = await createTempDir();
    await writeFile(join(repo.dir, 'plan.yaml'), plan);
    const result = await runSubplan(['run', 'plan.yaml'], {
      cwd: repo.dir,
      env: { ...process.env, PATH: empty.dir },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('plan.yaml:'))).toEqual(missing);
    expect(existsSync(join(repo.dir, '.subplan', 'runs'))).toBe(false);
  });

  it('only warns in validate, which may run on another machine', async () => {
    await using repo = await createTempRepo();
    await using empty = await createTempDir();
    await writeFile(join(repo.dir, 'plan.yaml'), plan);
    const result = await runSubplan(['validate', 'plan.yaml'], {
      cwd: repo.dir,
      env: { ...process.env, PATH: empty.dir },
    });
    expect(result.exitCode).toBe(0);
    const warnings = missing.map((line) => line.replace(/^(plan\.yaml:\d+:\d+: )/, '$1warning: '));
    expect(result.stderr).toBe(`${warnings.join('\n')}\nplan.yaml: ok (3 phases)\n`);
  });

  it('stops a resume whose agent program is gone from the PATH', async () => {
    await using repo = await createTempRepo();
    await using bin = await createTempDir();
    const agent = join(bin.dir, 'failing-agent');
    await writeFile(agent, '#!/bin/sh\necho giving up\nexit 1\n');
    await chmod(agent, 0o755);
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      'version: 1\nphases:\n  - id: a\n    prompt: x\n    agent: { command: [failing-agent] }\n',
    );
    const first = await runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      env: { ...process.env, PATH: `${bin.dir}${delimiter}${process.env['PATH'] ?? ''}` },
    });
    expect(first.exitCode).toBe(1);
    const runId = first.summary?.run_id ?? '';
    const resumed = await runSubplan(['resume', runId], {
      cwd: repo.dir,
      env: { ...process.env, PATH: process.env['PATH'] ?? '' },
    });
    expect(resumed.exitCode).toBe(2);
    expect(resumed.stderr).toContain(':5:24: agent program `failing-agent` not found on PATH');
  });
});
