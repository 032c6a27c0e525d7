/**
 * Whole prefixed lines when stderr is a pipe: several chatty agents print at the same moment
 * (released together by a barrier), each line written in two pieces, some long, half of them on
 * stderr. Through the built CLI, every agent line must come out once, whole, behind its task's
 * prefix: each carries a checksum of itself, so a cut or interleaved line cannot pass.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBarrier } from '../helpers/barrier.js';
import { PROJECT_ROOT, ensureBuilt } from '../helpers/ensure-built.js';
import { createTempRepo, fixtureAgent } from '../helpers/temp-repo.js';

const TASKS = ['alpha', 'beta', 'gamma', 'delta'];
/** Lines each agent prints before the barrier, and as many after it. */
const LINES = 300;

/** The same checksum as fixtures/agents/chatty.mjs. */
function checksum(text: string): string {
  let sum = 0;
  for (const char of text) sum = (sum * 31 + (char.codePointAt(0) ?? 0)) % 65521;
  return sum.toString(16).padStart(4, '0');
}

const AGENT_LINE = /^(\S+) line (\d+)((?: (?:long)+)?) #([0-9a-f]{4})$/;
const REPORTER_LINE = /^(started on |succeeded at |merging |\S+ released$)/;

beforeAll(ensureBuilt, 120_000);

describe('line output on a pipe', () => {
  it('prints every line of concurrent chatty agents once, whole, behind its task', async () => {
    await using repo = await createTempRepo();
    await using barrier = await createBarrier({ target: TASKS.length, total: TASKS.length });
    const command = JSON.stringify([
      process.execPath,
      fixtureAgent('chatty.mjs'),
      String(LINES),
      '{subplan}',
      barrier.socketPath,
    ]);
    await writeFile(
      join(repo.dir, 'plan.yaml'),
      [
        'version: 1',
        `max_parallel: ${TASKS.length}`,
        `agent: { command: ${command} }`,
        'phases:',
        ...TASKS.map((id) => `  - { id: ${id}, prompt: "${id}" }`),
      ].join('\n'),
    );
    const result = await execa(
      process.execPath,
      [join(PROJECT_ROOT, 'bin', 'subplan.js'), 'run', 'plan.yaml'],
      { cwd: repo.dir, reject: false, env: { NO_COLOR: '1', FORCE_COLOR: '0' } },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(barrier.peakHeld).toBe(TASKS.length);
    expect(barrier.timedOut).toBe(false);

    const lines = result.stderr.split('\n');
    // Everything before the blank line that opens the summary table.
    const progress = lines.slice(
      0,
      lines.findIndex((line) => /^task +kind +status/.test(line)) - 1,
    );
    const seen = new Map<string, number>();
    for (const line of progress) {
      if (line.startsWith('subplan: ')) continue;
      const prefixed = /^\[([^\]]+)\] (.*)$/.exec(line);
      expect(prefixed, line).not.toBeNull();
      const [, task = '', body = ''] = prefixed ?? [];
      if (REPORTER_LINE.test(body)) continue;
      const agentLine = AGENT_LINE.exec(body);
      expect(agentLine, line).not.toBeNull();
      const [, from, number] = agentLine ?? [];
      expect(from).toBe(task);
      expect(body.endsWith(` #${checksum(body.slice(0, -6))}`), line).toBe(true);
      const key = `${task}:${number ?? ''}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const expected = TASKS.flatMap((task) =>
      Array.from({ length: 2 * LINES }, (_, i) => `${task}:${i + 1}`),
    );
    const missing = expected.filter((key) => !seen.has(key));
    expect(missing, `${missing.length} lines never printed`).toEqual([]);
    expect(seen.size).toBe(expected.length);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
  });
});
