import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  FileGraph,
  extractImports,
  graphStrategy,
  resolvePython,
  resolveScript,
} from '../../src/decompose/index.js';

describe('extractImports', () => {
  it('finds static imports, re-exports, dynamic imports and requires in TypeScript', () => {
    const source = [
      "import a, { b } from './a.js';",
      "import type { T } from '../types';",
      "export * from './re';",
      "export { x } from './x';",
      "const y = require('./y');",
      "const z = await import('./z');",
      'const notAnImport = "import q from \'./q\'";',
      'let generic: Array<number> = [];',
    ].join('\n');
    expect(extractImports('src/f.ts', source).sort()).toEqual([
      '../types',
      './a.js',
      './re',
      './x',
      './y',
      './z',
    ]);
  });

  it('finds Python imports, relative and absolute', () => {
    const source = [
      'import os',
      'import pkg.mod as m',
      'from . import sibling',
      'from ..util.helpers import thing, other',
      'from pkg import (a,',
      '    b)',
    ].join('\n');
    expect(extractImports('pkg/sub/f.py', source)).toEqual(
      expect.arrayContaining([
        'os',
        'pkg.mod',
        '.sibling',
        '..util.helpers.thing',
        '..util.helpers',
        'pkg.a',
        'pkg.b',
      ]) as unknown,
    );
  });

  it('never throws on a file that does not parse', () => {
    expect(() => extractImports('broken.ts', 'import { from ;;; <<<')).not.toThrow();
    expect(() => extractImports('broken.py', 'def (:\n  import')).not.toThrow();
  });
});

describe('resolving specifiers to repository files', () => {
  const files = new Set([
    'src/a.ts',
    'src/lib/index.ts',
    'src/util.tsx',
    'pkg/__init__.py',
    'pkg/mod.py',
    'pkg/sub/f.py',
    'pkg/util/helpers.py',
  ]);

  it('resolves relative script imports the way TypeScript does', () => {
    expect(resolveScript('src/b.ts', './a.js', files)).toBe('src/a.ts');
    expect(resolveScript('src/b.ts', './lib', files)).toBe('src/lib/index.ts');
    expect(resolveScript('src/b.ts', './util', files)).toBe('src/util.tsx');
    expect(resolveScript('src/b.ts', 'react', files)).toBeUndefined();
    expect(resolveScript('src/b.ts', '../../outside', files)).toBeUndefined();
  });

  it('resolves Python modules relative to the package or the root', () => {
    expect(resolvePython('pkg/sub/f.py', '..util.helpers', files)).toBe('pkg/util/helpers.py');
    expect(resolvePython('pkg/sub/f.py', 'pkg.mod', files)).toBe('pkg/mod.py');
    expect(resolvePython('pkg/sub/f.py', 'pkg', files)).toBe('pkg/__init__.py');
    expect(resolvePython('pkg/sub/f.py', 'os', files)).toBeUndefined();
  });
});

describe('graph clustering', () => {
  it('keeps strongly linked files together across folders and cuts the weak links', () => {
    const graph = new FileGraph();
    graph.addEdge('a/one.ts', 'b/one.ts', 5);
    graph.addEdge('a/two.ts', 'b/two.ts', 5);
    graph.addEdge('a/one.ts', 'a/two.ts', 0.1);
    const strategy = graphStrategy('auto', graph, { ...DEFAULT_LIMITS, maxFiles: 2 });
    const groups = strategy.group(
      ['a/one.ts', 'a/two.ts', 'b/one.ts', 'b/two.ts'].map((path) => ({ path, bytes: 10 })),
    );
    expect(groups.map((g) => g.map((f) => f.path))).toEqual([
      ['a/one.ts', 'b/one.ts'],
      ['a/two.ts', 'b/two.ts'],
    ]);
  });
});
