import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/core/index.js';
import { readPlan } from '../../src/plan/index.js';
import { ensureBuilt, PROJECT_ROOT } from '../helpers/ensure-built.js';
import { extremePlans, mutatedPlans, seedPlans } from '../helpers/hostile-plans.js';
import type { HostileCase } from '../helpers/hostile-plans.js';
import { createTempRepo } from '../helpers/temp-repo.js';
import type { TempRepo } from '../helpers/temp-repo.js';

const SEED = 20261123;
const MUTATED = 900;
const MIN_FAILED = 500;

const extremes = extremePlans();
const cases = [...extremes, ...mutatedPlans(SEED, MUTATED)];

/** One problem per line: `file:line:col: message`, or `file: message` without a position. */
function expectDiagnosticLines(stderr: string, file: string): void {
  const lines = stderr.split('\n').filter((line) => line !== '');
  expect(lines.length).toBeGreaterThan(0);
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const line of lines) {
    expect(line).toMatch(new RegExp(`^${escaped}(:\\d+:\\d+)?: \\S`));
    expect(line).not.toMatch(/^\s+at |internal error|Error:/);
  }
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe('hostile plans', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'subplan-hostile-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`rejects at least ${MIN_FAILED} of ${cases.length} malformed plans, each with located one-line problems`, async () => {
    let failed = 0;
    const valid: string[] = [];
    const slow: string[] = [];
    for (const hostile of cases) {
      const file = join(dir, `${hostile.name}.yaml`);
      await writeFile(file, hostile.bytes);
      const start = process.cpuUsage();
      const result = await readPlan(file, { displayPath: 'plan.yaml' });
      // CPU time rather than wall time: the machine is shared, and this is a bound on work done.
      if (cpuMs(start) > 1000) slow.push(hostile.name);
      if (result.ok) {
        valid.push(hostile.name);
        continue;
      }
      failed++;
      expectDiagnosticLines(
        `${result.diagnostics.map(formatDiagnostic).join('\n')}\n`,
        'plan.yaml',
      );
      for (const diagnostic of result.diagnostics) expect(diagnostic.message).not.toContain('\n');
    }
    expect(slow).toEqual([]);
    // Every extreme file is invalid by construction; only random mutations may come out valid.
    expect(valid.filter((name) => extremes.some((e) => e.name === name))).toEqual([]);
    expect(failed).toBeGreaterThanOrEqual(MIN_FAILED);
    expect(existsSync(join(dir, '.subplan'))).toBe(false);
  });

  it('loads valid plans written with CRLF, CR or a byte-order mark exactly as with LF', async () => {
    const validSeeds = seedPlans().filter((seed) => !seed.text.startsWith('\xef\xbb\xbf'));
    let compared = 0;
    for (const seed of validSeeds) {
      const lf = join(dir, 'lf', seed.name);
      await mkdir(join(dir, 'lf'), { recursive: true });
      await writeFile(lf, seed.text, 'latin1');
      const expected = await readPlan(lf);
      if (!expected.ok) continue;
      compared++;
      const variants = {
        crlf: seed.text.replace(/\n/g, '\r\n'),
        cr: seed.text.replace(/\n/g, '\r'),
        bom: `\xef\xbb\xbf${seed.text}`,
        'bom-crlf': `\xef\xbb\xbf${seed.text.replace(/\n/g, '\r\n')}`,
      };
      for (const [variant, content] of Object.entries(variants)) {
        await mkdir(join(dir, variant), { recursive: true });
        const file = join(dir, variant, seed.name);
        await writeFile(file, content, 'latin1');
        const result = await readPlan(file);
        expect(result.ok, `${seed.name} as ${variant}`).toBe(true);
        if (result.ok) expect({ ...result.plan, file: '' }).toEqual({ ...expected.plan, file: '' });
      }
    }
    expect(compared).toBeGreaterThanOrEqual(3);
  });

  describe('through the real CLI', () => {
    let repo: TempRepo;
    beforeAll(async () => {
      await ensureBuilt();
      repo = await createTempRepo();
    });
    afterAll(async () => {
      await repo[Symbol.asyncDispose]();
    });

    const named = ['ten-megabytes', 'alias-bomb', 'deep-flow', 'alias-cycle', 'binary', 'utf16'];
    const sample: HostileCase[] = [
      ...extremes.filter((e) => named.includes(e.name)),
      // Every 47th mutation, to cover many kinds of mistake.
      ...mutatedPlans(SEED, MUTATED).filter((_, i) => i % 47 === 0),
    ].slice(0, 25);

    it.concurrent.each(sample.map((hostile, index) => [hostile.name, hostile, index] as const))(
      '%s: validate and run exit 2 with located problems and write nothing',
      async (_name, hostile, index) => {
        // Cases run side by side: each has its own folder, so none reads another's plan.
        const dir = join(repo.dir, `case-${index}`);
        await mkdir(dir);
        await writeFile(join(dir, 'plan.yaml'), hostile.bytes);
        const inProcess = await readPlan(join(dir, 'plan.yaml'));
        if (inProcess.ok) return;
        for (const command of ['validate', 'run']) {
          const result = await execa(
            'node',
            [join(PROJECT_ROOT, 'bin/subplan.js'), command, 'plan.yaml'],
            {
              cwd: dir,
              reject: false,
              timeout: 60_000,
            },
          );
          expect(result.exitCode).toBe(2);
          expect(result.stdout).toBe('');
          expectDiagnosticLines(result.stderr, 'plan.yaml');
          expect(existsSync(join(repo.dir, '.subplan'))).toBe(false);
          expect(existsSync(join(dir, '.subplan'))).toBe(false);
        }
      },
    );
  });
});
