/**
 * Import specifiers of one source file, found with real parsers: oxc for TypeScript and
 * JavaScript (static imports, re-exports, dynamic imports of string literals, `require` calls),
 * Lezer's Python grammar for Python. A file that does not parse yields what the parser
 * recovered, or nothing: decomposition falls back to other signals, it never fails on a file.
 */
import { parser as pythonParser } from '@lezer/python';
import { parseSync } from 'oxc-parser';

export const SCRIPT_EXTENSIONS = [
  '.ts',
  '.tsx',
  '.mts',
  '.cts',
  '.js',
  '.jsx',
  '.mjs',
  '.cjs',
] as const;

export function isParsable(path: string): boolean {
  return path.endsWith('.py') || SCRIPT_EXTENSIONS.some((ext) => path.endsWith(ext));
}

/** Raw specifiers as written: `./a.js`, `../lib`, `react`, or for Python `.sibling`, `pkg.mod`. */
export function extractImports(path: string, text: string): string[] {
  try {
    return path.endsWith('.py') ? pythonImports(text) : scriptImports(path, text);
  } catch {
    return [];
  }
}

function scriptImports(path: string, text: string): string[] {
  const result = parseSync(path, text);
  const specifiers: string[] = [];
  for (const entry of result.module.staticImports) specifiers.push(entry.moduleRequest.value);
  for (const entry of result.module.staticExports) {
    for (const item of entry.entries)
      if (item.moduleRequest) specifiers.push(item.moduleRequest.value);
  }
  for (const entry of result.module.dynamicImports) {
    const literal = text.slice(entry.moduleRequest.start, entry.moduleRequest.end);
    if (/^(['"`])[^'"`$]*\1$/.test(literal)) specifiers.push(literal.slice(1, -1));
  }
  // Walking the whole tree is the costly part; only files that mention require need it.
  if (text.includes('require(')) collectRequires(result.program, specifiers);
  return specifiers;
}

function collectRequires(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const child of node) collectRequires(child, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (record['type'] === 'CallExpression') {
    const callee = record['callee'] as { type?: string; name?: string } | undefined;
    const [first] = (record['arguments'] as { type?: string; value?: unknown }[] | undefined) ?? [];
    if (
      callee?.type === 'Identifier' &&
      callee.name === 'require' &&
      first?.type === 'Literal' &&
      typeof first.value === 'string'
    ) {
      out.push(first.value);
    }
  }
  for (const key in record) {
    if (key === 'type' || key === 'start' || key === 'end') continue;
    const value = record[key];
    if (value !== null && typeof value === 'object') collectRequires(value, out);
  }
}

/** `import a.b, c` → `a.b`, `c`; `from ..x import y, z` → `..x.y`, `..x.z` (submodule or name). */
function pythonImports(text: string): string[] {
  const specifiers: string[] = [];
  const tree = pythonParser.parse(text);
  tree.iterate({
    enter(node) {
      if (node.name !== 'ImportStatement') return;
      const statement = text.slice(node.from, node.to).replace(/[()\\\n]/g, ' ');
      const from = /^\s*from\s+(\S+)\s+import\s+(.+)$/.exec(statement);
      if (from?.[1] && from[2]) {
        const base = from[1];
        for (const name of from[2].split(',')) {
          const imported = name.trim().split(/\s+/)[0];
          if (!imported || imported === '*') continue;
          specifiers.push(base.endsWith('.') ? `${base}${imported}` : `${base}.${imported}`);
        }
        specifiers.push(base);
        return;
      }
      const plain = /^\s*import\s+(.+)$/.exec(statement);
      for (const name of plain?.[1]?.split(',') ?? []) {
        const module = name.trim().split(/\s+/)[0];
        if (module) specifiers.push(module);
      }
    },
  });
  return specifiers;
}
