/**
 * The live view on a real pseudo-terminal: the built CLI runs inside a detached tmux session of
 * 80x24 on a private server socket, agents are held at a barrier while the test reads the screen
 * with `capture-pane`, and released to see the run end. `-J` joins lines the terminal wrapped,
 * so a frame line that did not fit would show up longer than the window.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import stringWidth from 'string-width';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBarrier } from '../helpers/barrier.js';
import { PROJECT_ROOT, ensureBuilt } from '../helpers/ensure-built.js';
import { WAIT_MS, waitUntil } from '../helpers/wait.js';
import { createTempRepo, fixtureAgent } from '../helpers/temp-repo.js';

const TMUX = '/usr/bin/tmux';
const SESSION = 'live';

let tmuxDir: string;
/** Every tmux call goes to this test's own server, never to a user's. */
const tmux = (...args: string[]) =>
  execa(TMUX, ['-S', join(tmuxDir, 'tmux.sock'), '-f', join(tmuxDir, 'tmux.conf'), ...args]);

/** The screen as lines, wrapped lines joined, trailing blanks dropped. */
async function screen(): Promise<string[]> {
  const { stdout } = await tmux('capture-pane', '-p', '-J', '-t', SESSION);
  const lines = stdout.split('\n').map((line) => line.trimEnd());
  while (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Polls the screen until `ready` holds; fails with the last screen seen. */
async function waitForScreen(ready: (lines: string[]) => boolean): Promise<string[]> {
  let lines: string[] = [];
  return waitUntil(
    () => `the screen to show what was expected; it shows:\n${lines.join('\n')}`,
    async () => {
      lines = await screen();
      return ready(lines) && lines;
    },
    50,
  );
}

/** The live area: from its header line to the end of the screen. */
function liveArea(lines: readonly string[]): string[] {
  const start = lines.findIndex((line) => /^subplan \S+ · /.test(line));
  return start === -1 ? [] : lines.slice(start);
}

beforeAll(ensureBuilt, 120_000);

beforeEach(async () => {
  tmuxDir = await mkdtemp(join(tmpdir(), 'subplan-tmux-'));
  // Our own config: no user settings, and the pane stays after the run so its end can be read.
  await writeFile(join(tmuxDir, 'tmux.conf'), 'set -g remain-on-exit on\nset -g status off\n');
});

afterEach(async () => {
  await tmux('kill-server').catch(() => undefined);
  await rm(tmuxDir, { recursive: true, force: true });
});

// Room for three screen waits of WAIT_MS each and the run around them.
describe('live view on a terminal', { timeout: 4 * WAIT_MS }, () => {
  it('shows running tasks with their last lines and the counters, fits 80 and then 60 columns, and ends with the summary', async () => {
    await using repo = await createTempRepo();
    // Three agents print three lines each (the last one long) and wait at the barrier; the barrier
    // expects more than will come, so it holds them until the test releases it. Its deadline only
    // frees the agents of a test that failed first, so it must not come while the screens are read.
    await using barrier = await createBarrier({ target: 99, total: 99, deadlineMs: 4 * WAIT_MS });
    const chatty = (socket: boolean) =>
      JSON.stringify([
        process.execPath,
        fixtureAgent('chatty.mjs'),
        '3',
        '{subplan}',
        ...(socket ? [barrier.socketPath] : []),
      ]);
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        'max_parallel: 3',
        `agent: { command: ${chatty(true)} }`,
        'phases:',
        '  - { id: alpha, prompt: "a" }',
        '  - { id: beta, prompt: "b" }',
        '  - { id: gamma, prompt: "c" }',
        `  - { id: omega, prompt: "d", depends_on: [alpha, beta], agent: { command: ${chatty(false)} } }`,
      ].join('\n'),
    );
    await tmux(
      'new-session',
      '-d',
      '-s',
      SESSION,
      '-x',
      '80',
      '-y',
      '24',
      '-c',
      repo.dir,
      process.execPath,
      join(PROJECT_ROOT, 'bin', 'subplan.js'),
      'run',
      'plan.yaml',
    );

    const during = await waitForScreen((lines) => {
      const live = liveArea(lines);
      return (
        live.some((line) => line.startsWith('running 3/3')) &&
        ['alpha', 'beta', 'gamma'].every((id) =>
          live.some((line) => line.startsWith(`  ${id} `) && line.includes(`${id} line 3 long`)),
        )
      );
    });
    const live = liveArea(during);
    // Queued: omega, the merge of its two dependencies, and the result merge.
    expect(live.find((line) => line.startsWith('running '))).toBe(
      'running 3/3 (peak 3) · done 0 · queued 3 · failed 0 · skipped 0 · cached 0',
    );
    expect(live[0]).toMatch(/ · ETA —$/);
    expect(live).toHaveLength(5);
    // The long last lines were cut to the width, not wrapped.
    expect(live.filter((line) => line.endsWith('…'))).toHaveLength(3);
    expect(live.every((line) => stringWidth(line) <= 80)).toBe(true);

    await tmux('resize-window', '-t', SESSION, '-x', '60');
    const narrow = await waitForScreen((lines) =>
      liveArea(lines).some((line) => line.startsWith('running 3/3') && line.endsWith('…')),
    );
    expect(liveArea(narrow).every((line) => stringWidth(line) <= 60)).toBe(true);
    // The old, wider frame, which the terminal re-wrapped into more rows, was erased: above the
    // new frame there is only what was printed for good (or the end of it, the rest scrolled up).
    const printed = during.slice(0, during.length - live.length);
    const above = narrow.slice(0, narrow.length - liveArea(narrow).length);
    for (const line of above.filter((text) => text !== '')) {
      expect(
        printed.some((whole) => whole.endsWith(line)),
        `before:\n${during.join('\n')}\nafter:\n${narrow.join('\n')}`,
      ).toBe(true);
    }
    expect(narrow.filter((line) => line.startsWith('running '))).toHaveLength(1);

    await barrier[Symbol.asyncDispose]();
    const end = await waitForScreen((lines) => lines.some((line) => line.startsWith('result: ')));
    expect(end.some((line) => line.startsWith('running '))).toBe(false);
    expect(end.some((line) => /^task +kind +status +duration +branch$/.test(line))).toBe(true);
    for (const id of ['alpha', 'beta', 'gamma', 'omega']) {
      expect(end.some((line) => new RegExp(`^${id} +agent +succeeded `).test(line))).toBe(true);
    }
    expect(end.find((line) => line.startsWith('result: '))).toMatch(
      /^result: subplan\/\S+\/result$/,
    );
    expect(barrier.peakHeld).toBe(3);
  });
});
