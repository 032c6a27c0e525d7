import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, ensureBuilt } from '../helpers/ensure-built.js';

beforeAll(ensureBuilt, 120_000);

/** Every module specifier a built file names: static and dynamic imports, require calls. */
function specifiers(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\(\s*)(["'])([^"'\n]+)\1/g;
  return [...source.matchAll(pattern)].map((match) => match[2] ?? '');
}

describe('the built worker', () => {
  // A thread that loads the worker as separate files spends its first 100 ms or more resolving
  // them before any agent starts; the bundle is what keeps that cost out of every run.
  it('is one file that loads nothing but Node’s own modules', async () => {
    const source = await readFile(join(PROJECT_ROOT, 'dist/execute/worker.bundle.js'), 'utf8');
    const names = specifiers(source);
    expect(names).toContain('node:child_process');
    const builtins = new Set(builtinModules);
    const foreign = names.filter((name) => !builtins.has(name.replace(/^node:/, '')));
    expect(foreign).toEqual([]);
  });

  it('would be caught loading separate files', async () => {
    const source = await readFile(join(PROJECT_ROOT, 'dist/execute/worker.js'), 'utf8');
    expect(specifiers(source)).toContain('./run-agent-task.js');
  });
});
