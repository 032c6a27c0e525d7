/**
 * Parses YAML keeping positions, so that every later check can point at the user's text.
 * Paths are the ones zod reports: keys and array indexes from the document root.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Diagnostic } from '../core/index.js';
import { findAliasCycle, findUnresolvedAlias } from './find-alias-cycle.js';
import { MAX_NESTING, findTooDeep } from './find-too-deep.js';

export type YamlPath = readonly PropertyKey[];

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface YamlSource {
  readonly file: string;
  readonly value: unknown;
  /** Position of the value at `path`, or of the closest ancestor that exists. */
  positionOf(path: YamlPath): Position;
  /** Position of the key `key` inside the map at `path`, for unknown keys. */
  positionOfKey(path: YamlPath, key: string): Position;
}

/** Aliases may expand to at most this many nodes; more is a "billion laughs" document. */
const MAX_ALIAS_COUNT = 100;

export type YamlParseResult =
  | { readonly ok: true; readonly source: YamlSource }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

export function parseYamlSource(text: string, file: string): YamlParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
    // The library would print warnings (e.g. a list used as a key) on the process's stderr.
    logLevel: 'error',
  });
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    const p = pos(error.pos[0]);
    diagnostics.push({ file, ...p, message: describeYamlError(error.code, error.message) });
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  const tooDeep = findTooDeep(doc.contents);
  if (tooDeep) {
    const at = pos(tooDeep.range?.[0] ?? 0);
    return { ok: false, diagnostics: [{ file, ...at, message: nestingMessage() }] };
  }
  const unresolved = findUnresolvedAlias(doc);
  if (unresolved) {
    const at = pos(unresolved.range?.[0] ?? 0);
    const message = `alias \`*${unresolved.source}\` refers to no anchor: \`&${unresolved.source}\` must be set before it`;
    return { ok: false, diagnostics: [{ file, ...at, message }] };
  }
  const cycle = findAliasCycle(doc);
  if (cycle) {
    const at = pos(cycle.range?.[0] ?? 0);
    const message = `alias \`*${cycle.source}\` is inside the node it refers to, which makes an infinite value`;
    return { ok: false, diagnostics: [{ file, ...at, message }] };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml throws a ReferenceError for alias bombs and unresolvable aliases.
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      diagnostics: [{ file, line: 1, col: 1, message: `invalid YAML: ${message}` }],
    };
  }
  const root = doc.contents;
  return {
    ok: true,
    source: {
      file,
      value,
      positionOf: (path) => pos(findNode(doc, root, path).range?.[0] ?? 0),
      positionOfKey: (path, key) => {
        const map = findNode(doc, root, path);
        if (isMap(map)) {
          const pair = map.items.find(
            (item) => isScalar(item.key) && String(item.key.value) === key,
          );
          const keyNode = pair?.key;
          if (keyNode && isScalar(keyNode) && keyNode.range) return pos(keyNode.range[0]);
        }
        return pos(map.range?.[0] ?? 0);
      },
    },
  };
}

interface Ranged {
  range?: [number, number, number] | null | undefined;
}

function findNode(doc: Document, root: Node | null, path: YamlPath): Ranged {
  let node: unknown = root;
  let found: Ranged = root ?? {};
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    if (isMap(node)) {
      next = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      )?.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (next === undefined || next === null || typeof next !== 'object') break;
    node = next;
    found = next;
  }
  return found;
}

function describeYamlError(code: string, message: string): string {
  // The library's messages carry a source excerpt after the first line; the position already says where.
  const firstLine = message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'duplicate key: each key may appear once in a mapping';
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed for indentation in YAML; use spaces';
    case 'MULTIPLE_DOCS':
      return 'a plan file holds one YAML document; remove the second `---` and what follows';
    case 'RESOURCE_EXHAUSTION':
      // The parser ran out of stack: only nesting thousands of levels deep does that.
      return nestingMessage();
    default:
      return `invalid YAML: ${firstLine}`;
  }
}

function nestingMessage(): string {
  return `the plan nests lists and mappings more than ${MAX_NESTING} levels deep`;
}
