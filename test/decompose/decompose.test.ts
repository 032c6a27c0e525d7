import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  FileGraph,
  commonDirectory,
  decomposeFiles,
  folderGlobHints,
  directoryStrategy,
  leavesOf,
  nodesOf,
  strategiesFor,
  treeHeight,
} from '../../src/decompose/index.js';
import type { DecomposeLimits, ScopeFile, SubplanNode } from '../../src/decompose/index.js';

const strategies = [directoryStrategy];
const file = (path: string, bytes = 400): ScopeFile => ({ path, bytes });

function nestedPackages(): ScopeFile[] {
  const files: ScopeFile[] = [];
  for (let p = 1; p <= 6; p++)
    for (let m = 1; m <= 5; m++)
      for (let s = 1; s <= 4; s++)
        for (let f = 1; f <= 5; f++) files.push(file(`packages/p${p}/src/m${m}/s${s}/f${f}.ts`));
  return files;
}

/** The invariants every tree must keep, whatever the input. */
function expectWellFormed(
  tree: SubplanNode,
  files: readonly ScopeFile[],
  limits: DecomposeLimits,
): void {
  const leaves = leavesOf(tree);
  const placed = leaves.flatMap((leaf) => leaf.files);
  expect([...placed].sort()).toEqual(files.map((f) => f.path).sort());
  expect(new Set(placed).size).toBe(placed.length);
  for (const leaf of leaves) {
    expect(leaf.files.length).toBeGreaterThan(0);
    const overLimit = leaf.files.length > limits.maxFiles || leaf.tokens > limits.maxTokens;
    if (overLimit) expect(leaf.guard).toBeDefined();
    if (leaf.guard === 'min-files') expect(leaf.files.length).toBeLessThan(limits.minFiles);
  }
  for (const node of nodesOf(tree)) {
    expect(node.depth).toBeLessThanOrEqual(limits.maxDepth);
    expect(node.children.length === 0 || node.children.length >= 2).toBe(true);
    expect(node.children.length).toBeLessThanOrEqual(limits.maxChildren);
    node.children.forEach((child, index) => {
      expect(child.id).toBe(`${node.id}.${index + 1}`);
      expect(child.files.length).toBeLessThan(node.files.length);
    });
    if (node.children.length > 0)
      expect(node.children.flatMap((c) => c.files).sort()).toEqual([...node.files]);
  }
}

describe('decomposeFiles', () => {
  it('cuts nested packages deep, along package boundaries, not by chunking one sorted list', () => {
    const files = nestedPackages();
    const limits = { ...DEFAULT_LIMITS, maxFiles: 4, minFiles: 2 };
    const tree = decomposeFiles('api', files, limits, strategies);
    expectWellFormed(tree, files, limits);
    expect(treeHeight(tree)).toBeGreaterThanOrEqual(3);
    // Six packages of 100 files: each child of the root is exactly one package.
    expect(
      tree.children.map((child) => new Set(child.files.map((f) => f.split('/')[1])).size),
    ).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('follows the folder tree under auto when imports and history say nothing', () => {
    const files = nestedPackages();
    const limits = { ...DEFAULT_LIMITS, maxFiles: 4, minFiles: 2 };
    const tree = decomposeFiles('api', files, limits, strategiesFor('auto', {}, limits));
    expectWellFormed(tree, files, limits);
    expect(
      tree.children.map((child) => new Set(child.files.map((f) => f.split('/')[1])).size),
    ).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('follows the folders under auto when one commit touched every file alike', () => {
    const folders = ['api/orders', 'api/users', 'lib', 'web/components', 'web/pages'];
    const files = folders.flatMap((folder) =>
      Array.from({ length: 7 }, (_, i) => file(`src/${folder}/f${i}.ts`)),
    );
    // The repository's first commit: every pair co-changed once, with the same weight.
    const cochange = new FileGraph();
    for (const a of files)
      for (const b of files) cochange.addEdge(a.path, b.path, 1 / (files.length - 1));
    const limits = { ...DEFAULT_LIMITS, maxFiles: 8, minFiles: 2 };
    const tree = decomposeFiles('src', files, limits, strategiesFor('auto', { cochange }, limits));
    expectWellFormed(tree, files, limits);
    expect(leavesOf(tree).map((leaf) => commonDirectory(leaf.files))).toEqual(
      folders.map((folder) => `src/${folder}/`),
    );
  });

  it('cuts a full folder again rather than leave a leaf of one or two files beside it', () => {
    const folder = (name: string, count: number) =>
      Array.from({ length: count }, (_, i) => file(`${name}/f${String(i).padStart(2, '0')}.ts`));
    const limits = { ...DEFAULT_LIMITS, maxFiles: 25, minFiles: 3 };
    const sizes = (files: ScopeFile[]) =>
      leavesOf(decomposeFiles('s', files, limits, strategies)).map((leaf) => leaf.files.length);
    expect(sizes([...folder('a', 25), file('b.ts')])).toEqual([13, 13]);
    expect(sizes([...folder('a', 25), ...folder('b', 25), ...folder('c', 2)])).toEqual([
      25, 13, 14,
    ]);
  });

  it('keeps a small project shallow: 40 files over 3 levels need depth 2 at most', () => {
    const files = ['a', 'a/b', 'a/b/c'].flatMap((dir) =>
      Array.from({ length: 13 }, (_, i) => file(`${dir}/x${i}.ts`, 100)),
    );
    files.push(file('root.ts', 10));
    const tree = decomposeFiles('small', files, DEFAULT_LIMITS, strategies);
    expectWellFormed(tree, files, DEFAULT_LIMITS);
    expect(treeHeight(tree)).toBeLessThanOrEqual(2);
  });

  it('terminates on 200 files in one flat directory with every leaf within the limits', () => {
    const files = Array.from({ length: 200 }, (_, i) =>
      file(`flat/f${String(i).padStart(3, '0')}.ts`, 100),
    );
    const tree = decomposeFiles('flat', files, DEFAULT_LIMITS, strategies);
    expectWellFormed(tree, files, DEFAULT_LIMITS);
    expect(
      leavesOf(tree).every((leaf) => leaf.files.length <= DEFAULT_LIMITS.maxFiles && !leaf.guard),
    ).toBe(true);
    expect(leavesOf(tree)).toHaveLength(8);
  });

  it('keeps one file larger than the token limit as a guarded leaf instead of recursing forever', () => {
    const files = [
      file('big.bin', 10_000_000),
      file('small.ts', 100),
      file('other.ts', 100),
      file('third.ts', 100),
    ];
    const tree = decomposeFiles('p', files, DEFAULT_LIMITS, strategies);
    expectWellFormed(tree, files, DEFAULT_LIMITS);
    const big = leavesOf(tree).find((leaf) => leaf.files.includes('big.bin'));
    expect(big?.files).toEqual(['big.bin']);
    expect(big?.guard).toBe('min-files');
  });

  it('stops at max_depth and marks the leaf', () => {
    const files = Array.from({ length: 100 }, (_, i) =>
      file(`d/f${String(i).padStart(3, '0')}.ts`),
    );
    const limits = { ...DEFAULT_LIMITS, maxFiles: 2, maxDepth: 1 };
    const tree = decomposeFiles('p', files, limits, strategies);
    expectWellFormed(tree, files, limits);
    expect(leavesOf(tree).every((leaf) => leaf.depth === 1 && leaf.guard === 'max-depth')).toBe(
      true,
    );
  });

  it('leaves a scope within the limits as a single leaf', () => {
    const files = [file('a.ts'), file('b.ts')];
    expect(decomposeFiles('p', files, DEFAULT_LIMITS, strategies)).toEqual({
      id: 'p',
      depth: 0,
      files: ['a.ts', 'b.ts'],
      tokens: 200,
      children: [],
    });
  });

  it('keeps random trees well formed, and the same input always gives the same tree', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 60; round++) {
      const count = 1 + Math.floor(random() * 400);
      const depth = 1 + Math.floor(random() * 5);
      const paths = new Set<string>();
      while (paths.size < count) {
        const segments = Array.from(
          { length: 1 + Math.floor(random() * depth) },
          () => `d${Math.floor(random() * 4)}`,
        );
        paths.add(`${segments.join('/')}/f${Math.floor(random() * 1000)}.ts`);
      }
      const files = [...paths].map((p) => file(p, Math.floor(random() * 20_000)));
      const maxFiles = 1 + Math.floor(random() * 30);
      const limits: DecomposeLimits = {
        maxFiles,
        minFiles: 1 + Math.floor(random() * maxFiles),
        maxTokens: 5_000 + Math.floor(random() * 100_000),
        maxDepth: 1 + Math.floor(random() * 6),
        maxChildren: 2 + Math.floor(random() * 10),
      };
      const tree = decomposeFiles('r', files, limits, strategies);
      expectWellFormed(tree, files, limits);
      expect(decomposeFiles('r', [...files].reverse(), limits, strategies)).toEqual(tree);
    }
  });
});

describe('commonDirectory', () => {
  it('finds the deepest shared directory', () => {
    expect(commonDirectory(['a/b/c.ts', 'a/b/d/e.ts'])).toBe('a/b/');
    expect(commonDirectory(['a/b.ts', 'ab/c.ts'])).toBe('');
    expect(commonDirectory(['x.ts'])).toBe('');
  });
});

describe('folderGlobHints', () => {
  it('points a folder named without a wildcard at its files, and nothing else', () => {
    const files = [file('docs/a.md'), file('src/ui/b.ts'), file('srcx/c.ts')];
    expect(folderGlobHints(files, ['docs', 'src/ui/', 'src/u', 'lib', 'src/**/*.py'])).toEqual([
      '`docs` is a folder: `docs/**` matches the files in it',
      '`src/ui` is a folder: `src/ui/**` matches the files in it',
    ]);
  });
});
