import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { branchNameProblem, createRunId } from '../../src/core/index.js';
import { resultBranch, taskBranch } from '../../src/git/index.js';
import { PlanFileSchema } from '../../src/plan/index.js';
import { seededRandom } from '../../src/core/index.js';

const PIECES = [
  ...'abcxyz019-_ABZ'.split(''),
  '.',
  '..',
  '/',
  '//',
  '@',
  '@{',
  '{',
  '}',
  '~',
  '^',
  ':',
  '?',
  '*',
  '[',
  ']',
  '\\',
  ' ',
  '\t',
  '\n',
  '\u0001',
  '\u007f',
  'é',
  '✓',
  'lock',
  '.lock',
  'HEAD',
  '$(x)',
  '`',
  ';',
  '|',
  "'",
  '"',
  '!',
  '#',
];

/** Random ids from pieces git treats specially, and some plain ones. */
function randomIds(seed: number, count: number): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    let id = '';
    for (let n = 1 + Math.floor(random() * 5); n > 0; n--) {
      id += PIECES[Math.floor(random() * PIECES.length)] ?? '';
    }
    return id;
  });
}

async function gitAccepts(names: readonly string[]): Promise<Map<string, boolean>> {
  const verdicts = new Map<string, boolean>();
  const queue = [...new Set(names)];
  // A few git processes at a time: the machine is shared.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
        const result = await execa('git', ['check-ref-format', '--branch', name], {
          reject: false,
        });
        verdicts.set(name, result.exitCode === 0);
      }
    }),
  );
  return verdicts;
}

const RUN = createRunId(Date.UTC(2026, 10, 23, 10, 15));

describe('branch names', () => {
  it('branchNameProblem agrees with git check-ref-format --branch', async () => {
    const ids = randomIds(7, 200);
    // `@` alone is a revision to git (the current branch), so git "accepts" it; subplan never
    // makes a name without its `subplan/<run>/` prefix.
    const names = [
      ...ids.filter((id) => id !== '@'),
      ...ids.map((id) => `subplan/${RUN}/${id}`),
      ...ids.map((id) => `subplan/${RUN}/${id}.base`),
    ];
    const verdicts = await gitAccepts(names);
    const disagreements = [...verdicts]
      .filter(([name, accepted]) => (branchNameProblem(name) === undefined) !== accepted)
      .map(([name, accepted]) => ({ name, git: accepted, ours: branchNameProblem(name) }));
    expect(disagreements).toEqual([]);
    // The sample must hold both kinds, or agreement would prove nothing.
    expect([...verdicts.values()].filter(Boolean).length).toBeGreaterThan(50);
    expect([...verdicts.values()].filter((ok) => !ok).length).toBeGreaterThan(50);
  });

  it('every phase id the plan schema accepts makes branch names git accepts', async () => {
    const candidates = [
      ...randomIds(11, 300),
      ...randomIds(13, 300).map((id) => id.toLowerCase().replace(/[^a-z0-9.-]/g, '')),
      'a',
      '0',
      'a-',
      'a--b',
      'lock',
      'x-lock',
      'head',
      'base',
      'a'.repeat(64),
    ];
    const accepted = candidates.filter(
      (id) => PlanFileSchema.safeParse({ version: 1, phases: [{ id, prompt: 'x' }] }).success,
    );
    expect(accepted.length).toBeGreaterThan(20);
    const names = accepted.flatMap((id) => [
      taskBranch(RUN, id),
      taskBranch(RUN, `${id}.base`),
      taskBranch(RUN, `${id}.1.12`),
    ]);
    names.push(resultBranch(RUN));
    const verdicts = await gitAccepts(names);
    expect([...verdicts].filter(([, ok]) => !ok)).toEqual([]);
    // And the schema refuses every id that would make a name git refuses.
    const refused = candidates.filter((id) => branchNameProblem(`subplan/${RUN}/${id}`));
    expect(refused.length).toBeGreaterThan(50);
    for (const id of refused)
      expect(PlanFileSchema.safeParse({ version: 1, phases: [{ id, prompt: 'x' }] }).success).toBe(
        false,
      );
  });

  it('refuses to make a branch from an id that would be an invalid ref', () => {
    expect(() => taskBranch(RUN, 'api..v2')).toThrow(/contains `\.\.`/);
    expect(() => taskBranch(RUN, 'x.lock')).toThrow(/\.lock/);
    expect(() => taskBranch('bad run', 'api')).toThrow(/contains " "/);
  });
});
