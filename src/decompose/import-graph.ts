/**
 * The import graph of a set of files: each import that resolves to another file of the
 * repository is an edge. Relative script specifiers resolve like TypeScript's node resolution
 * (`./a.js` may name `a.ts`; a directory means its index file); Python modules resolve relative
 * to the importing package or to the repository root and `src/`. Package imports are ignored.
 */
import { dirname, posix } from 'node:path';
import type { Repo } from '../git/index.js';
import { extractImports, isParsable, SCRIPT_EXTENSIONS } from './extract-imports.js';
import { FileGraph } from './file-graph.js';
import { readBlobs } from './read-blobs.js';

export async function buildImportGraph(
  repo: Repo,
  commit: string,
  files: readonly string[],
  allFiles: ReadonlySet<string>,
): Promise<FileGraph> {
  const graph = new FileGraph();
  const parsable = files.filter(isParsable);
  const contents = await readBlobs(repo, commit, parsable);
  for (const [path, text] of contents) {
    for (const specifier of extractImports(path, text)) {
      const target = path.endsWith('.py')
        ? resolvePython(path, specifier, allFiles)
        : resolveScript(path, specifier, allFiles);
      if (target !== undefined) graph.addEdge(path, target, 1);
    }
  }
  return graph;
}

export function resolveScript(
  from: string,
  specifier: string,
  files: ReadonlySet<string>,
): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const base = posix.normalize(posix.join(dirname(from), specifier));
  if (base.startsWith('../')) return undefined;
  const withoutJs = base.replace(/\.(m|c)?js$/, '');
  const candidates = [
    base,
    ...SCRIPT_EXTENSIONS.map((ext) => `${withoutJs}${ext}`),
    ...SCRIPT_EXTENSIONS.map((ext) => `${base}/index${ext}`),
  ];
  return candidates.find((candidate) => files.has(candidate));
}

export function resolvePython(
  from: string,
  specifier: string,
  files: ReadonlySet<string>,
): string | undefined {
  const dots = /^\.*/.exec(specifier)?.[0].length ?? 0;
  const dotted = specifier
    .slice(dots)
    .split('.')
    .filter((part) => part !== '');
  let roots: string[];
  if (dots > 0) {
    let dir = dirname(from);
    for (let i = 1; i < dots; i++) dir = dirname(dir);
    roots = [dir === '.' ? '' : dir];
  } else {
    roots = ['', 'src'];
  }
  for (const root of roots) {
    const path = posix.join(root, ...dotted);
    for (const candidate of [`${path}.py`, `${path}/__init__.py`])
      if (files.has(candidate)) return candidate;
  }
  return undefined;
}
