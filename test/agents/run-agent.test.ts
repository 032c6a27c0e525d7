import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgent } from '../../src/agents/index.js';
import { isRunning, readPids, waitForExit } from '../helpers/processes.js';
import { fixtureAgent } from '../helpers/temp-repo.js';

const node = process.execPath;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'subplan-agent-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = () => ({
  cwd: dir,
  env: { PATH: process.env['PATH'] ?? '' },
  logFile: join(dir, 'logs', 'task.log'),
});

describe('runAgent', () => {
  it('reports a non-zero exit with the last output and logs everything', async () => {
    const exit = await runAgent({ ...base(), argv: [node, fixtureAgent('exit-nonzero.mjs'), '7'] });
    expect(exit).toMatchObject({ status: 'exited', exitCode: 7, tail: ['about to fail'] });
    expect(await readFile(join(dir, 'logs', 'task.log'), 'utf8')).toBe('about to fail\n');
  });

  it('passes argv elements through untouched: no shell ever sees them', async () => {
    const tricky =
      '$(touch pwned) `touch pwned2`; touch pwned3 && echo "q" \'x\' | cat > pwned4\nline two';
    const lines: string[] = [];
    const exit = await runAgent({
      ...base(),
      argv: [
        node,
        '-e',
        'process.stdout.write(JSON.stringify(process.argv.slice(1)))',
        tricky,
        '*',
      ],
      onLine: (_stream, line) => lines.push(line),
    });
    expect(exit.status).toBe('exited');
    expect(JSON.parse(lines.join('\n'))).toEqual([tricky, '*']);
    await expect(readFile(join(dir, 'pwned'))).rejects.toThrow();
  });

  it('kills the whole process tree on timeout', async () => {
    const pidFile = join(dir, 'pids');
    const exit = await runAgent({
      ...base(),
      argv: [node, fixtureAgent('spawn-grandchild.mjs'), pidFile],
      // Room for two node processes to start on a loaded machine before the kill.
      timeoutMs: 3000,
      killGraceMs: 500,
    });
    expect(exit.status).toBe('timed-out');
    const [child, grandchild] = await readPids(pidFile, 2);
    expect(await waitForExit(child ?? 0)).toBe(true);
    expect(await waitForExit(grandchild ?? 0)).toBe(true);
  });

  it('kills what an agent left running after it exited', async () => {
    const pidFile = join(dir, 'pids');
    const exit = await runAgent({
      ...base(),
      argv: [node, fixtureAgent('spawn-grandchild.mjs'), pidFile, 'exit'],
    });
    expect(exit).toMatchObject({ status: 'exited', exitCode: 0 });
    const [, grandchild] = await readPids(pidFile, 2);
    expect(await waitForExit(grandchild ?? 0)).toBe(true);
  });

  it('sends SIGKILL to an agent that ignores SIGTERM after the grace period', async () => {
    const pidFile = join(dir, 'pid');
    const controller = new AbortController();
    const running = runAgent({
      ...base(),
      argv: [node, fixtureAgent('ignore-sigterm.mjs'), pidFile],
      signal: controller.signal,
      killGraceMs: 300,
    });
    const [pid] = await readPids(pidFile);
    expect(isRunning(pid ?? 0)).toBe(true);
    controller.abort('fail-fast');
    expect((await running).status).toBe('cancelled');
    expect(await waitForExit(pid ?? 0)).toBe(true);
  });

  it('reports a command that does not exist as a spawn failure', async () => {
    const exit = await runAgent({ ...base(), argv: ['/nonexistent/agent-binary', '--x'] });
    expect(exit.status).toBe('spawn-failed');
  });

  it('says in one line that a program is not on the PATH', async () => {
    const exit = await runAgent({ ...base(), argv: ['no-such-agent-bin', 'x'] });
    expect(exit).toMatchObject({
      status: 'spawn-failed',
      message: "cannot start `no-such-agent-bin`: not found on the agent's PATH",
    });
  });
});

describe('runAgent with an agent that prints without end', () => {
  it('stops the agent at the output limit and ends its log with a notice', async () => {
    const lines: string[] = [];
    const exit = await runAgent({
      ...base(),
      argv: [node, fixtureAgent('flood-output.mjs'), String(64 * 1024 * 1024)],
      maxOutputBytes: 1024 * 1024,
      onLine: (_stream, line) => lines.push(line),
    });
    expect(exit).toMatchObject({ status: 'output-exceeded', limitBytes: 1024 * 1024 });
    const log = await readFile(join(dir, 'logs', 'task.log'), 'utf8');
    expect(log.length).toBeLessThan(1024 * 1024 + 1000);
    expect(log.trimEnd().split('\n').at(-1)).toMatch(/^\[subplan\] output limit of 1048576 bytes/);
    expect(lines.length).toBe(Math.floor((1024 * 1024) / 100));
  });

  it('cuts a line that never ends into bounded pieces', async () => {
    const lines: string[] = [];
    const exit = await runAgent({
      ...base(),
      argv: [node, fixtureAgent('flood-output.mjs'), String(1024 * 1024), 'no-newline'],
      onLine: (_stream, line) => lines.push(line),
    });
    expect(exit).toMatchObject({ status: 'exited', exitCode: 0 });
    // 16 pieces of 64 KiB; each event carries at most 2,000 characters of its piece.
    expect(lines.length).toBe(16);
    expect(lines.every((line) => line.length <= 2001)).toBe(true);
    const log = await readFile(join(dir, 'logs', 'task.log'), 'utf8');
    expect(log).toBe(`${'x'.repeat(1024 * 1024)}\n`);
  });
});

describe('runAgent with a log that cannot be written', () => {
  it('stops the agent and says why (a full disk: /dev/full fails every write with ENOSPC)', async () => {
    const pidFile = join(dir, 'pid');
    const exit = await runAgent({
      ...base(),
      argv: [
        node,
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(pidFile)}, process.pid + '\\n'); setInterval(() => console.log('still here'), 5)`,
      ],
      logFile: '/dev/full',
    });
    expect(exit).toMatchObject({ status: 'log-failed', code: 'ENOSPC' });
    expect(exit.status === 'log-failed' && exit.message).toMatch(/ENOSPC/);
    const [pid] = await readPids(pidFile);
    expect(await waitForExit(pid ?? 0)).toBe(true);
  });
});
