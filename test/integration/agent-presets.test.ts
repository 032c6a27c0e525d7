/**
 * Real agents through their presets, with stand-in CLIs first on PATH: the argv each preset
 * runs, cost and tokens read from their event streams, the budget, environment isolation, rate
 * limits, retries, module agents, setup and copy, and scope.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { presetArgv } from '../../src/agents/index.js';
import { readPids, waitForExit } from '../helpers/processes.js';
import { runSubplan } from '../helpers/run-cli.js';
import { createTempRepo, fixtureAgent } from '../helpers/temp-repo.js';

const standIns = new URL('../fixtures/stand-ins', import.meta.url).pathname;
const node = JSON.stringify(process.execPath);

interface Recorded {
  readonly cli: string;
  readonly argv: string[];
  readonly env: Record<string, string>;
}

let records: string;
beforeEach(async () => {
  records = await mkdtemp(join(tmpdir(), 'subplan-standins-'));
});
afterEach(async () => {
  await rm(records, { recursive: true, force: true });
});

/** The coordinator's environment: stand-ins first on PATH, plus variables agents must not see. */
function coordinatorEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    ...process.env,
    PATH: `${standIns}${delimiter}${process.env['PATH'] ?? ''}`,
    STANDIN_RECORD_DIR: records,
    SECRET_TOKEN: 'must-not-leak',
    GIT_DIR: '/nonexistent',
    ANTHROPIC_API_KEY: 'sk-test',
    ...extra,
  };
}

async function recorded(): Promise<Recorded[]> {
  const files = (await readdir(records)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (f) => JSON.parse(await readFile(join(records, f), 'utf8')) as Recorded),
  );
}

const passRecords = 'env: [STANDIN_RECORD_DIR]';
const passLimits = 'env: [STANDIN_RECORD_DIR, STANDIN_RATE_LIMITS]';

describe('agent presets with stand-in CLIs', () => {
  it('runs each preset with its documented argv and reads tokens and cost', async () => {
    await using repo = await createTempRepo({ 'src/a.ts': 'a\n', 'src/b.ts': 'b\n' });
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - { id: c, prompt: "fix it", agent: { preset: claude, model: sonnet, ${passRecords} } }`,
        `  - { id: x, prompt: "fix it", agent: { preset: codex, args: [--skip-git-repo-check], ${passRecords} } }`,
        `  - { id: a, prompt: "fix it", files: ["src/**"], agent: { preset: aider, ${passRecords} } }`,
        `  - { id: g, prompt: "fix it", agent: { preset: gemini, ${passRecords} } }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      env: coordinatorEnv(),
    });
    expect(result.exitCode).toBe(0);
    const byCli = Object.fromEntries((await recorded()).map((r) => [r.cli, r.argv]));
    expect(byCli).toEqual({
      claude: ['-p', 'fix it', ...presetArgv('claude', 'sonnet').slice(3)],
      codex: [...presetArgv('codex').slice(1, -1), '--skip-git-repo-check', 'fix it'],
      aider: [
        ...presetArgv('aider')
          .slice(1, -1)
          .map((a) => a.replace('{prompt}', 'fix it')),
        'src/a.ts',
        'src/b.ts',
      ],
      gemini: presetArgv('gemini')
        .slice(1)
        .map((a) => a.replace('{prompt}', 'fix it')),
    });
    expect(byCli['claude']).toEqual([
      '-p',
      'fix it',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'acceptEdits',
      '--model',
      'sonnet',
    ]);
    const tasks = Object.fromEntries(result.summary?.tasks.map((t) => [t.id, t]) ?? []);
    expect(tasks['c']).toMatchObject({ cost_usd: 0.0123, tokens: { input: 1500, output: 150 } });
    expect(tasks['x']).toMatchObject({ tokens: { input: 2000, output: 300 } });
    expect(tasks['x']?.cost_usd).toBeUndefined();
    expect(tasks['a']).toMatchObject({ cost_usd: 0.0061, tokens: { input: 2400, output: 310 } });
    expect(tasks['g']).toMatchObject({ tokens: { input: 1200, output: 300 } });
    expect(result.summary?.cost_usd).toBe(0.0184);
    const finished = result.events.filter((e) => e.type === 'task-finished');
    const messages = Object.fromEntries(
      finished.map((e) => [e.task, e.type === 'task-finished' ? e.final_message : undefined]),
    );
    expect(messages).toMatchObject({
      c: 'Done: edited notes/c.md',
      x: 'Updated notes/x.md',
      g: 'All done.',
    });
    // Every agent's edits are on the result branch; aider's scratch files are not.
    const branch = result.summary?.result_branch ?? '';
    const tree = await repo.git('ls-tree', '-r', '--name-only', branch);
    expect(tree.split('\n').sort()).toEqual([
      'notes/c.md',
      'notes/g.md',
      'notes/x.md',
      'src/a.ts',
      'src/b.ts',
    ]);
    expect(await repo.git('show', `${branch}:src/a.ts`)).toBe('a\nedited by aider');
  });

  it('gives agents a minimal environment plus what their definition passes and sets', async () => {
    await using repo = await createTempRepo();
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        '  - id: c',
        '    prompt: p',
        '    agent:',
        '      preset: claude',
        '      env: [STANDIN_RECORD_DIR, PASS_ME, NOT_SET_ANYWHERE]',
        '      env_set: { FIXED: "value with spaces" }',
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      env: coordinatorEnv({ PASS_ME: 'yes', LC_ALL: 'C.UTF-8' }),
    });
    expect(result.exitCode).toBe(0);
    const [record] = await recorded();
    const env = record?.env ?? {};
    expect(env['PASS_ME']).toBe('yes');
    expect(env['FIXED']).toBe('value with spaces');
    expect(env['LC_ALL']).toBe('C.UTF-8');
    expect(env['ANTHROPIC_API_KEY']).toBe('sk-test');
    expect(env['SUBPLAN_TASK']).toBe('c');
    expect(env['PATH']?.startsWith(standIns)).toBe(true);
    expect(env['SECRET_TOKEN']).toBeUndefined();
    expect(env['GIT_DIR']).toBeUndefined();
    const allowed =
      /^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|TZ|TMPDIR|LC_\w+|SUBPLAN_\w+|PASS_ME|FIXED|STANDIN_RECORD_DIR|ANTHROPIC_\w+|CLAUDE_CONFIG_DIR)$/;
    // Node adds nothing to a child's environment, so every name is accounted for.
    expect(Object.keys(env).filter((name) => !allowed.test(name))).toEqual([]);
    expect(
      result.events.some((e) => e.type === 'warning' && e.message.includes('NOT_SET_ANYWHERE')),
    ).toBe(true);
  });

  it('stops starting agent tasks once the budget is spent', async () => {
    await using repo = await createTempRepo();
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'max_parallel: 1',
        'budget_usd: 0.02',
        `agent: { preset: claude, ${passRecords} }`,
        'phases:',
        ...['p1', 'p2', 'p3', 'p4'].map((id) => `  - { id: ${id}, prompt: x }`),
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      env: coordinatorEnv(),
    });
    expect(result.exitCode).toBe(1);
    // 0.0123 per task: the first leaves 0.0077 of the budget, the second spends it.
    expect(await recorded()).toHaveLength(2);
    const statuses = result.summary?.tasks.map((t) => t.status) ?? [];
    expect(statuses.filter((s) => s === 'succeeded')).toHaveLength(2);
    const cancelled = result.summary?.tasks.filter((t) => t.status === 'cancelled') ?? [];
    expect(cancelled.map((t) => t.reason)).toContain(
      'not started: the run spent its budget (budget_usd)',
    );
    expect(result.summary?.cost_usd).toBe(0.0246);
    expect(
      result.events.some((e) => e.type === 'warning' && e.message.startsWith('budget spent')),
    ).toBe(true);
  });

  it('waits out rate limits without counting them as failures, up to a bound', async () => {
    await using repo = await createTempRepo();
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        ...['claude', 'codex', 'gemini', 'aider'].map(
          (preset) =>
            `  - { id: ${preset}, prompt: x, files: [README.md], agent: { preset: ${preset}, retries: 0, rate_limit: { wait: 20ms }, ${passLimits} } }`,
        ),
        `  - { id: bounded, prompt: x, agent: { preset: claude, rate_limit: { wait: 20ms, retries: 1 }, ${passLimits} } }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      env: coordinatorEnv({ STANDIN_RATE_LIMITS: '2' }),
    });
    const tasks = Object.fromEntries(result.summary?.tasks.map((t) => [t.id, t]) ?? []);
    for (const preset of ['claude', 'codex', 'gemini', 'aider']) {
      expect(tasks[preset], preset).toMatchObject({ status: 'succeeded', attempts: 3 });
    }
    expect(tasks['bounded']).toMatchObject({ status: 'failed', attempts: 2 });
    const rateWarnings = result.events.filter(
      (e) => e.type === 'warning' && e.message.includes('was rate-limited'),
    );
    expect(rateWarnings).toHaveLength(4 * 2 + 1);
    const says = (task: string) =>
      rateWarnings.flatMap((e) => (e.type === 'warning' && e.task === task ? [e.message] : []));
    expect(says('claude')[0]).toContain(
      'then at most 4 more rate-limit waits (`rate_limit: { retries: 0 }` turns them off)',
    );
    expect(says('bounded')[0]).toContain('then at most 0 more rate-limit waits');
  });

  it('does not take prose about 429s or rate limiters for a rate-limit answer', async () => {
    await using repo = await createTempRepo();
    const say = (text: string) =>
      `{ command: [${node}, -e, ${JSON.stringify(`console.log(${JSON.stringify(text)}); process.exit(1)`)}], rate_limit: { wait: 20ms } }`;
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - { id: lint, prompt: x, agent: ${say('fixed 429 lint errors, 3 remain')} }`,
        `  - { id: prose, prompt: x, agent: ${say('the rate limiter module was refactored')} }`,
        `  - { id: tests, prompt: x, agent: ${say('rate-limit.ts: 3 tests failed')} }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      env: coordinatorEnv(),
    });
    expect(result.exitCode).toBe(1);
    const tasks = Object.fromEntries(result.summary?.tasks.map((t) => [t.id, t]) ?? []);
    for (const id of ['lint', 'prose', 'tests']) {
      expect(tasks[id], id).toMatchObject({ status: 'failed', attempts: 1 });
    }
    expect(
      result.events.filter((e) => e.type === 'warning' && e.message.includes('rate-limited')),
    ).toEqual([]);
  });

  it('retries only the failures retry_on names, with backoff', async () => {
    await using repo = await createTempRepo();
    const exit = (code: number) =>
      `{ command: [${node}, ${JSON.stringify(fixtureAgent('exit-nonzero.mjs'))}, "${code}"]`;
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - { id: listed, prompt: x, agent: ${exit(4)}, retries: 2, retry_on: { exit_codes: [4] } } }`,
        `  - { id: unlisted, prompt: x, agent: ${exit(3)}, retries: 2, retry_on: { exit_codes: [4] } } }`,
        `  - { id: pattern, prompt: x, agent: ${exit(3)}, retries: 1, retry_on: { output: ["^about to"] } } }`,
        `  - { id: any, prompt: x, agent: ${exit(3)}, retries: 1 } }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      env: coordinatorEnv(),
    });
    const attempts = Object.fromEntries(result.summary?.tasks.map((t) => [t.id, t.attempts]) ?? []);
    expect(attempts).toMatchObject({ listed: 3, unlisted: 1, pattern: 2, any: 2 });
  });

  it('kills a hanging agent and every process it started at its timeout', async () => {
    await using repo = await createTempRepo();
    const pidFile = join(records, 'hang.pids');
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - { id: h, prompt: x, agent: { preset: claude, timeout: 5s, env: [STANDIN_RECORD_DIR, STANDIN_HANG] } }`,
      ].join('\n'),
    );
    const running = runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      env: coordinatorEnv({ STANDIN_HANG: pidFile }),
    });
    const pids = await readPids(pidFile, 2);
    const result = await running;
    expect(result.summary?.tasks[0]).toMatchObject({ status: 'failed' });
    expect(result.summary?.tasks[0]?.reason).toMatch(/longer than its timeout/);
    for (const pid of pids) expect(await waitForExit(pid)).toBe(true);
  });
});

describe('module agents', () => {
  it('runs a module in the worker; a thrown error fails its task with the message', async () => {
    await using repo = await createTempRepo({ 'src/a.txt': 'hello\n', 'src/b.txt': 'world\n' });
    await repo.write({
      'codemods/upper.mjs': [
        "import { readFile, writeFile } from 'node:fs/promises';",
        "import { join } from 'node:path';",
        'export default async ({ files, worktree, prompt, log }) => {',
        '  for (const file of files) {',
        "    const text = await readFile(join(worktree, file), 'utf8');",
        '    await writeFile(join(worktree, file), text.toUpperCase());',
        '  }',
        '  log(`uppercased ${files.length} files for: ${prompt}`);',
        '};',
      ].join('\n'),
      'codemods/broken.mjs': "export default async () => { throw new Error('no such API: foo'); };",
    });
    await repo.commitAll('codemods');
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        '  - { id: up, prompt: shout, files: ["src/**"], agent: { module: ./codemods/upper.mjs } }',
        '  - { id: broken, prompt: x, agent: { module: codemods/broken.mjs } }',
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], {
      cwd: repo.dir,
      env: coordinatorEnv(),
    });
    const tasks = Object.fromEntries(result.summary?.tasks.map((t) => [t.id, t]) ?? []);
    expect(tasks['up']?.status).toBe('succeeded');
    expect(await repo.git('show', `${tasks['up']?.commit ?? ''}:src/a.txt`)).toBe('HELLO');
    expect(tasks['broken']).toMatchObject({ status: 'failed', reason: 'no such API: foo' });
    expect(
      result.events.some(
        (e) => e.type === 'task-output' && e.line === 'uppercased 2 files for: shout',
      ),
    ).toBe(true);
  });

  it('rejects a module that does not exist when the plan loads', async () => {
    await using repo = await createTempRepo();
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      ['version: 1', 'phases:', '  - { id: m, prompt: x, agent: { module: ./nope.mjs } }'].join(
        '\n',
      ),
    );
    const result = await runSubplan(['validate', 'plan.yaml'], { cwd: repo.dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^plan\.yaml:3:42: no such module: \.\/nope\.mjs/m);
  });
});

describe('worktree setup, copied files and scope', () => {
  const writer = (...files: string[]) =>
    `{ command: [${node}, ${JSON.stringify(fixtureAgent('write-files.mjs'))}, ${files.map((f) => JSON.stringify(f)).join(', ')}] }`;

  it('copies ignored files in and runs setup before the agent; neither is committed', async () => {
    await using repo = await createTempRepo({ '.gitignore': '.env\ndeps/\n', 'app.txt': 'app\n' });
    await repo.write({ '.env': 'TOKEN=local\n' });
    const runs = join(records, 'setup-runs');
    const setupScript = [
      "const fs = require('node:fs');",
      "fs.mkdirSync('deps', { recursive: true });",
      "fs.writeFileSync('deps/installed', 'yes');",
      `fs.appendFileSync(${JSON.stringify(runs)}, 'run\\n');`,
    ].join(' ');
    const check = [
      "const fs = require('node:fs');",
      "const env = fs.readFileSync('.env', 'utf8');",
      "const deps = fs.readFileSync('deps/installed', 'utf8');",
      "fs.writeFileSync('seen.txt', env + deps);",
    ].join(' ');
    const noisySetup = "require('node:fs').writeFileSync('setup.log', 'not for the commit')";
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'max_parallel: 1',
        `setup: [[${node}, "-e", ${JSON.stringify(setupScript)}]]`,
        'copy: [".env"]',
        'phases:',
        `  - { id: one, prompt: x, agent: { command: [${node}, "-e", ${JSON.stringify(check)}] } }`,
        `  - { id: two, prompt: x, depends_on: [one], agent: { command: [${node}, "-e", ${JSON.stringify(check)}] } }`,
        `  - { id: noisy, prompt: x, depends_on: [two], setup: [[${node}, "-e", ${JSON.stringify(noisySetup)}]], agent: ${writer('n.txt=n')} }`,
        `  - { id: bad, prompt: x, setup: [[${node}, "-e", "process.exit(7)"]], agent: ${writer('x.txt=x')} }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    const tasks = Object.fromEntries(result.summary?.tasks.map((t) => [t.id, t]) ?? []);
    expect(tasks['one']?.reason ?? null).toBe(null);
    expect(tasks['two']?.status).toBe('succeeded');
    const files = await repo.git('ls-tree', '-r', '--name-only', tasks['two']?.commit ?? '');
    expect(files.split('\n').sort()).toEqual(['.gitignore', 'app.txt', 'seen.txt']);
    expect(await repo.git('show', `${tasks['two']?.commit ?? ''}:seen.txt`)).toBe(
      'TOKEN=local\nyes',
    );
    // `two` ran in `one`'s recycled worktree, where the same setup had left only ignored files.
    expect((await readFile(runs, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
    // What setup leaves that git would commit is not part of the agent's commit.
    const noisy = await repo.git('ls-tree', '-r', '--name-only', tasks['noisy']?.commit ?? '');
    expect(noisy.split('\n')).toContain('n.txt');
    expect(noisy.split('\n')).not.toContain('setup.log');
    expect(tasks['bad']).toMatchObject({ status: 'failed' });
    expect(tasks['bad']?.reason).toMatch(
      /^setup `.+ -e process\.exit\(7\)`: the agent exited with code 7/,
    );
  });

  it('reports files changed outside the scope, and fails the task when scope is strict', async () => {
    await using repo = await createTempRepo({ 'src/a.ts': 'a\n', 'docs/x.md': 'x\n' });
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - { id: loose, prompt: x, files: ["src/**"], scope_extra: ["docs/**"], agent: ${writer('src/a.ts=b', 'docs/x.md=y', 'outside.txt=o')} }`,
        `  - { id: strict, prompt: x, files: ["src/**"], scope: strict, agent: ${writer('src/new.ts=n', 'other.txt=o')} }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    const tasks = Object.fromEntries(result.summary?.tasks.map((t) => [t.id, t]) ?? []);
    expect(tasks['loose']).toMatchObject({ status: 'succeeded', out_of_scope: ['outside.txt'] });
    expect(tasks['strict']).toMatchObject({ status: 'failed', out_of_scope: ['other.txt'] });
    expect(tasks['strict']?.reason).toBe(
      'the agent changed 1 file(s) outside its scope: other.txt',
    );
    expect(
      result.events.some(
        (e) => e.type === 'warning' && e.task === 'loose' && e.message.includes('outside.txt'),
      ),
    ).toBe(true);
  });

  it("reports an agent that writes into the user's checkout, and only then", async () => {
    await using repo = await createTempRepo({ 'a.txt': 'a\n' });
    // Worktrees live in .subplan/worktrees/<run>/<name>: four levels below the checkout.
    const escape = "require('node:fs').writeFileSync('../../../../escaped.txt', 'out')";
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'phases:',
        `  - { id: inside, prompt: x, agent: ${writer('b.txt=b')} }`,
        `  - { id: outside, prompt: x, depends_on: [inside], agent: { command: [${node}, "-e", ${JSON.stringify(escape)}] } }`,
      ].join('\n'),
    );
    const result = await runSubplan(['run', 'plan.yaml', '--json'], { cwd: repo.dir });
    expect(result.exitCode).toBe(0);
    const warnings = result.events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    const checkout = warnings.filter((m) => m.startsWith('your checkout changed'));
    expect(checkout).toHaveLength(1);
    // Agents that ran since the checkout was last seen unchanged are named (at most a second's).
    expect(checkout[0]).toMatch(/while (inside, )?outside ran: files changed: escaped\.txt\./);
    await writeFile(
      join(repo.dir, 'clean.yaml'),
      ['version: 1', 'phases:', `  - { id: inside, prompt: x, agent: ${writer('b.txt=b')} }`].join(
        '\n',
      ),
    );
    const clean = await runSubplan(['run', 'clean.yaml', '--json'], { cwd: repo.dir });
    expect(clean.exitCode).toBe(0);
    expect(
      clean.events.some((e) => e.type === 'warning' && e.message.startsWith('your checkout')),
    ).toBe(false);
  });
});
