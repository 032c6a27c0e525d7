import { describe, expect, it } from 'vitest';
import { runSubplan } from '../helpers/run-cli.js';
import { createScriptedHistory } from '../helpers/scripted-history.js';
import type { DecompositionEvaluation } from '../../src/decompose/index.js';

describe('decompose --evaluate', () => {
  it('cuts fewer future commits with auto than with directories, at a similar number of leaves', async () => {
    // Half the features live in one folder, half span folders, and a fifth of commits touch a stray file.
    await using history = await createScriptedHistory({
      directories: 6,
      filesPerDirectory: 20,
      features: 12,
      commits: 400,
      seed: 11,
      aligned: 0.5,
      noise: 0.2,
    });
    const result = await runSubplan(
      ['decompose', history.dir, '--evaluate', '100', '--max-files', '10', '--json'],
      { cwd: history.dir },
    );
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const evaluation = JSON.parse(result.stdout) as DecompositionEvaluation;
    const [auto, directory] = evaluation.results;
    expect(auto?.strategy).toBe('auto');
    expect(directory?.strategy).toBe('directory');
    expect(auto?.eligible_commits).toBe(100);
    // Similar granularity, so the comparison is fair.
    expect(Math.abs((auto?.leaves ?? 0) - (directory?.leaves ?? 0))).toBeLessThanOrEqual(4);
    expect(auto?.crosscut_rate ?? 1).toBeLessThanOrEqual(0.85 * (directory?.crosscut_rate ?? 0));
  });

  it('says so when the history is shorter than the window', async () => {
    await using history = await createScriptedHistory({
      directories: 2,
      filesPerDirectory: 3,
      features: 2,
      commits: 3,
      seed: 1,
    });
    const result = await runSubplan(['decompose', history.dir, '--evaluate', '10'], {
      cwd: history.dir,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--evaluate 10 needs 11 non-merge commits; .* has 4/);
  });
});
