import { describe, expect, it } from 'vitest';
import { expandArgv } from '../../src/agents/index.js';
import type { TemplateValues } from '../../src/agents/index.js';

const values: TemplateValues = {
  prompt: 'Fix it',
  phase: 'api',
  subplan: 'api',
  worktree: '/w/api',
  branch: 'subplan/r/api',
  run: 'r',
  files: ['a.ts', 'b c.ts'],
  files_file: '/tmp/files.txt',
};

describe('expandArgv', () => {
  it('substitutes fields inside elements without adding elements', () => {
    expect(
      expandArgv(
        [
          'agent',
          '--prompt={prompt}',
          '{phase}:{branch}',
          '{run}',
          '--cwd',
          '{worktree}',
          '{files_file}',
        ],
        values,
      ),
    ).toEqual([
      'agent',
      '--prompt=Fix it',
      'api:subplan/r/api',
      'r',
      '--cwd',
      '/w/api',
      '/tmp/files.txt',
    ]);
  });

  it('expands an element that is exactly {files} into one element per file, and joins files inside longer elements', () => {
    expect(expandArgv(['aider', '{files}', '--files={files}'], values)).toEqual([
      'aider',
      'a.ts',
      'b c.ts',
      '--files=a.ts b c.ts',
    ]);
  });

  it('never re-expands substituted text and leaves unknown fields alone', () => {
    const sneaky = {
      ...values,
      prompt: '{phase} $(rm -rf /) `id` ; echo "x" && \'q\'\nnext line {worktree}',
    };
    const argv = expandArgv(['agent', '{prompt}', '{unknown}'], sneaky);
    expect(argv).toEqual(['agent', sneaky.prompt, '{unknown}']);
  });
});

describe('expandArgv for gate agents', () => {
  it('expands {conflicts} like {files} and {verify_output} as a path', () => {
    const gate = { ...values, conflicts: ['x.txt', 'y z.txt'], verify_output: '/tmp/out.txt' };
    expect(
      expandArgv(['resolve', '{conflicts}', 'in: {conflicts}', '--log={verify_output}'], gate),
    ).toEqual(['resolve', 'x.txt', 'y z.txt', 'in: x.txt y z.txt', '--log=/tmp/out.txt']);
  });

  it('leaves the gate fields as written for agents that have no such values', () => {
    expect(expandArgv(['{conflicts}', '{verify_output}'], values)).toEqual([
      '{conflicts}',
      '{verify_output}',
    ]);
  });
});
