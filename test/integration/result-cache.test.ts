import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempDir, createTempRepo } from '../helpers/temp-repo.js';

/** Lines an agent appended to COUNTER: one per agent that really ran. */
async function runsIn(counter: string): Promise<string[]> {
  return (await readFile(counter, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

const node = JSON.stringify(process.execPath);

describe('the result cache and verify gates', () => {
  it('does not reuse a result whose verify gate failed', async () => {
    await using repo = await createTempRepo();
    await using outside = await createTempDir();
    const counter = join(outside.dir, 'counter');
    const pass = join(outside.dir, 'pass');
    const agent = `require('node:fs').appendFileSync(${JSON.stringify(counter)}, 'ran\\n'); require('node:fs').writeFileSync('out.txt', 'x\\n')`;
    const verify = `process.exit(require('node:fs').existsSync(${JSON.stringify(pass)}) ? 0 : 1)`;
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        `agent: { command: [${node}, -e, ${JSON.stringify(agent)}] }`,
        'phases:',
        `  - { id: a, prompt: p, verify: [[${node}, -e, ${JSON.stringify(verify)}]] }`,
      ].join('\n'),
    );
    const failed = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(failed.exitCode).toBe(1);
    expect(await runsIn(counter)).toHaveLength(1);

    await writeFile(pass, '');
    const runId = failed.summary?.run_id ?? '';
    const resumed = await runSubplan(['resume', runId, '--json'], { cwd: repo.dir });
    expect(resumed.exitCode).toBe(0);
    expect(await runsIn(counter)).toHaveLength(2);
    expect(resumed.summary?.tasks.find((t) => t.id === 'a')?.cached).toBeFalsy();

    // Once the gate passed, the result is cached like any other.
    const again = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(again.exitCode).toBe(0);
    expect(await runsIn(counter)).toHaveLength(2);
    expect(again.summary?.tasks.find((t) => t.id === 'a')?.cached).toBe(true);
  });
});

describe('the result cache and resume', () => {
  it('keeps the cache off when resuming a run started with --no-cache', async () => {
    await using repo = await createTempRepo();
    await using outside = await createTempDir();
    const counter = join(outside.dir, 'counter');
    const pass = join(outside.dir, 'pass');
    const fs = "require('node:fs')";
    const agentA = `${fs}.appendFileSync(${JSON.stringify(counter)}, 'a\\n'); ${fs}.writeFileSync('a.txt', 'a\\n')`;
    const agentB = `${fs}.appendFileSync(${JSON.stringify(counter)}, 'b\\n'); if (!${fs}.existsSync(${JSON.stringify(pass)})) process.exit(1); ${fs}.writeFileSync('b.txt', 'b\\n')`;
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - { id: a, prompt: p, agent: { command: [${node}, -e, ${JSON.stringify(agentA)}] } }`,
        `  - { id: b, prompt: p, agent: { command: [${node}, -e, ${JSON.stringify(agentB)}] } }`,
      ].join('\n'),
    );
    await writeFile(pass, '');
    expect((await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir })).exitCode).toBe(0);
    expect((await runsIn(counter)).sort()).toEqual(['a', 'b']);

    // Forced to run every agent; b fails this time, then resumes once it can pass.
    await rm(pass);
    const forced = await runSubplan(['run', 'plan.yaml', '--json', '--no-cache'], {
      cwd: repo.dir,
    });
    expect(forced.exitCode).toBe(1);
    await writeFile(pass, '');
    const resumed = await runSubplan(['resume', forced.summary?.run_id ?? '', '--json'], {
      cwd: repo.dir,
    });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.summary?.tasks.find((t) => t.id === 'b')?.cached).toBeFalsy();
    expect((await runsIn(counter)).sort()).toEqual(['a', 'a', 'b', 'b', 'b']);
  });
});

describe('the result cache in a resumed run', () => {
  it('still marks a kept task that was served from the cache', async () => {
    await using repo = await createTempRepo();
    await using outside = await createTempDir();
    const pass = join(outside.dir, 'pass');
    const fs = "require('node:fs')";
    const agentA = `${fs}.writeFileSync('a.txt', 'a\\n')`;
    const agentB = `if (!${fs}.existsSync(${JSON.stringify(pass)})) process.exit(1); ${fs}.writeFileSync('b.txt', 'b\\n')`;
    const phaseA = `  - { id: a, prompt: p, agent: { command: [${node}, -e, ${JSON.stringify(agentA)}] } }`;
    const phaseB = `  - { id: b, prompt: p, agent: { command: [${node}, -e, ${JSON.stringify(agentB)}] } }`;
    const plan = join(repo.dir, 'plan.yaml');
    await writeFile(plan, ['version: 1', 'phases:', phaseA].join('\n'));
    expect((await runSubplan(['run', 'plan.yaml'], { cwd: repo.dir })).exitCode).toBe(0);

    await writeFile(plan, ['version: 1', 'phases:', phaseA, phaseB].join('\n'));
    const failed = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(failed.exitCode).toBe(1);
    expect(failed.summary?.tasks.find((t) => t.id === 'a')?.cached).toBe(true);
    await writeFile(pass, '');
    const resumed = await runSubplan(['resume', failed.summary?.run_id ?? '', '--json'], {
      cwd: repo.dir,
    });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.summary?.tasks.find((t) => t.id === 'a')?.cached).toBe(true);
    expect(resumed.summary?.tasks.find((t) => t.id === 'b')?.cached).toBeFalsy();
  });
});

describe("the result cache and an agent's own code", () => {
  it('runs a module agent again after its file was edited', async () => {
    await using repo = await createTempRepo();
    await using outside = await createTempDir();
    const module = join(outside.dir, 'codemod.mjs');
    const codemod = (text: string) =>
      `import { writeFileSync } from 'node:fs';\nimport { join } from 'node:path';\nexport default async ({ worktree }) => writeFileSync(join(worktree, 'out.txt'), '${text}\\n');\n`;
    await writeFile(module, codemod('one'));
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        `agent: { module: ${JSON.stringify(module)} }`,
        'phases:',
        '  - { id: a, prompt: p }',
      ].join('\n'),
    );
    const first = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(first.exitCode).toBe(0);
    await writeFile(module, codemod('two'));
    const second = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(second.exitCode).toBe(0);
    expect(second.summary?.tasks.find((t) => t.id === 'a')?.cached).toBe(false);
    expect(await repo.git('show', `${second.summary?.result_branch ?? ''}:out.txt`)).toBe('two');
    // Unchanged, it is served from the cache again.
    const third = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(third.summary?.tasks.find((t) => t.id === 'a')?.cached).toBe(true);
  });

  it('treats an edited agent script as a changed phase: no cache hit, and resume names the phase', async () => {
    await using repo = await createTempRepo();
    await using outside = await createTempDir();
    const pass = join(outside.dir, 'pass');
    // An untracked script, copied into each worktree, run by a relative path as the agent sees it.
    const script = (text: string) => `require('node:fs').writeFileSync('out.txt', '${text}\\n');\n`;
    await repo.write({ 'tools/agent.cjs': script('one') });
    const check = `process.exit(require('node:fs').existsSync(${JSON.stringify(pass)}) ? 0 : 1)`;
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - { id: a, prompt: p, copy: ['tools/**'], agent: { command: [${node}, ./tools/agent.cjs] } }`,
        `  - { id: b, prompt: q, agent: { command: [${node}, -e, ${JSON.stringify(check)}] } }`,
      ].join('\n'),
    );
    const first = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(first.exitCode).toBe(1);
    const runId = first.summary?.run_id ?? '';

    await writeFile(join(repo.dir, 'tools', 'agent.cjs'), script('two'));
    await writeFile(pass, '');
    const refused = await runSubplan(['resume', runId], { cwd: repo.dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('(phases changed: a)');

    const resumed = await runSubplan(['resume', runId, '--allow-plan-mismatch', '--json'], {
      cwd: repo.dir,
    });
    expect(resumed.exitCode).toBe(0);
    const a = resumed.summary?.tasks.find((t) => t.id === 'a');
    expect(a?.cached).toBe(false);
    expect(await repo.git('show', `${resumed.summary?.result_branch ?? ''}:out.txt`)).toBe('two');
  });
});
