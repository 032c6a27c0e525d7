/**
 * Malformed plans from a fixed seed: random mutations of valid plans (wrong types, huge numbers,
 * deleted and duplicated lines, stray bytes, tabs, broken aliases) and a fixed list of extreme
 * files (empty, 10 MB, deep nesting, alias bombs). The same seed always gives the same cases.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { parseDocument, stringify } from 'yaml';
import { seededRandom } from '../../src/core/index.js';

export interface HostileCase {
  readonly name: string;
  readonly bytes: Uint8Array;
}

const FIXTURES = new URL('../fixtures/plans/', import.meta.url).pathname;
const PLANS = new URL('../../plans/', import.meta.url).pathname;

/** Every plan in plans/ and test/fixtures/plans, valid and invalid, as text. */
export function seedPlans(): { name: string; text: string }[] {
  const dirs = [PLANS, `${FIXTURES}valid/`, `${FIXTURES}invalid/`];
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((file) => file.endsWith('.yaml'))
      .sort()
      .map((file) => ({ name: file, text: readFileSync(`${dir}${file}`, 'latin1') })),
  );
}

const HOSTILE_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  -1e308,
  2 ** 64,
  Number.MAX_SAFE_INTEGER + 2,
  0.5,
  '',
  ' ',
  '../../etc/passwd',
  '/etc/passwd',
  'x'.repeat(5000),
  'a\u0000b',
  '$(touch pwned)',
  '9999999999999999999999h',
  [],
  [[[]]],
  {},
  { nested: { deeper: [1, 2, { x: 'y' }] } },
  ['a', 1, null],
];

const TEXT_INSERTS = [
  '\t',
  '\t- ',
  ': ',
  '- ',
  '[',
  '{',
  ']',
  '}',
  '"',
  "'",
  '&a ',
  '*nowhere ',
  '!!binary ',
  '!custom ',
  '? ',
  '|',
  '>',
  '%YAML 1.1\n',
  '---\n',
  '...\n',
  '#',
  ' ',
  '\u00a0',
  '\r',
  '\u0000',
  '@',
  '`',
  '<<: *a\n',
];

const INVALID_UTF8 = [[0xff], [0xfe, 0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0x80]];

type Mutation = (text: string, random: () => number) => Uint8Array | string;

const pick = <T>(random: () => number, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)] as T;

const lines = (text: string) => text.split('\n');

/** A path to some node of the parsed plan, with the node's parent and key. */
function randomSlot(
  root: unknown,
  random: () => number,
): { parent: Record<string, unknown> | unknown[]; key: string | number } | undefined {
  let parent: unknown = root;
  let slot: { parent: Record<string, unknown> | unknown[]; key: string | number } | undefined;
  for (let depth = 0; depth < 6; depth++) {
    if (parent === null || typeof parent !== 'object') break;
    const keys: (string | number)[] = Array.isArray(parent)
      ? parent.map((_, i) => i)
      : Object.keys(parent);
    if (keys.length === 0) break;
    const key = pick(random, keys);
    slot = { parent: parent as Record<string, unknown>, key };
    parent = (parent as Record<string | number, unknown>)[key];
    if (random() < 0.35) break;
  }
  return slot;
}

function mutateTree(change: (slot: NonNullable<ReturnType<typeof randomSlot>>) => void): Mutation {
  return (text, random) => {
    const doc = parseDocument(text, { logLevel: 'silent' });
    if (doc.errors.length > 0) return text.slice(0, Math.floor(random() * text.length));
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      return text;
    }
    const slot = randomSlot(value, random);
    if (!slot) return `${text}\nphases: ${stringify(pick(random, HOSTILE_VALUES))}`;
    change(slot);
    try {
      return stringify(value, { aliasDuplicateObjects: false });
    } catch {
      // A seed whose aliases form a cycle has no finite text; keep it as it is.
      return text;
    }
  };
}

const MUTATIONS: Record<string, Mutation> = {
  'wrong-value': (text, random) =>
    mutateTree((slot) => {
      (slot.parent as Record<string | number, unknown>)[slot.key] = pick(random, HOSTILE_VALUES);
    })(text, random),
  'delete-key': (text, random) =>
    mutateTree((slot) => {
      if (Array.isArray(slot.parent)) slot.parent.splice(Number(slot.key), 1);
      else Reflect.deleteProperty(slot.parent, slot.key);
    })(text, random),
  'unknown-key': (text, random) =>
    mutateTree((slot) => {
      const target = (slot.parent as Record<string | number, unknown>)[slot.key];
      if (target && typeof target === 'object' && !Array.isArray(target))
        (target as Record<string, unknown>)[pick(random, ['promt', 'x', 'agents', '__proto__'])] =
          1;
      else (slot.parent as Record<string | number, unknown>)[slot.key] = { oops: target };
    })(text, random),
  'delete-line': (text, random) => {
    const all = lines(text);
    all.splice(Math.floor(random() * all.length), 1);
    return all.join('\n');
  },
  'duplicate-line': (text, random) => {
    const all = lines(text);
    const at = Math.floor(random() * all.length);
    all.splice(at, 0, all[at] ?? '');
    return all.join('\n');
  },
  'insert-text': (text, random) => {
    const at = Math.floor(random() * (text.length + 1));
    return text.slice(0, at) + pick(random, TEXT_INSERTS) + text.slice(at);
  },
  'tab-indent': (text, random) => {
    const all = lines(text);
    const indented = all.map((line, i) => [line, i] as const).filter(([l]) => l.startsWith(' '));
    const [line, i] = indented.length > 0 ? pick(random, indented) : [all[0] ?? '', 0];
    all[i] = `\t${line.trimStart()}`;
    return all.join('\n');
  },
  'invalid-utf8': (text, random) => {
    const bytes = Buffer.from(text, 'utf8');
    const at = Math.floor(random() * (bytes.length + 1));
    return Buffer.concat([
      bytes.subarray(0, at),
      Buffer.from(pick(random, INVALID_UTF8)),
      bytes.subarray(at),
    ]);
  },
  truncate: (text, random) => text.slice(0, Math.floor(random() * text.length)),
  'huge-number': (text, random) =>
    text.replace(
      /\b\d+\b/,
      pick(random, ['1e400', '99999999999999999999999', '-0', '0x7fffffff', '.inf', '.nan']),
    ),
  'swap-indent': (text, random) => {
    const all = lines(text);
    const at = Math.floor(random() * all.length);
    all[at] = (random() < 0.5 ? ' ' : '') + (all[at] ?? '').slice(random() < 0.5 ? 0 : 1);
    return all.join('\n');
  },
};

/** `count` mutated plans; some may happen to be valid, which the caller must tell apart. */
export function mutatedPlans(seed: number, count: number): HostileCase[] {
  const random = seededRandom(seed);
  const seeds = seedPlans();
  const names = Object.keys(MUTATIONS);
  const cases: HostileCase[] = [];
  for (let i = 0; i < count; i++) {
    const base = pick(random, seeds);
    let text: string | Uint8Array = base.text;
    const applied: string[] = [];
    // One to three mutations in a row; later ones work on the text of earlier ones.
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
      const name = pick(random, names);
      applied.push(name);
      const input = typeof text === 'string' ? text : Buffer.from(text).toString('latin1');
      text = (MUTATIONS[name] as Mutation)(input, random);
    }
    let bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    const ending = random();
    if (ending < 0.15)
      bytes = Buffer.from(Buffer.from(bytes).toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    if (ending > 0.85) bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    cases.push({ name: `${String(i).padStart(3, '0')}-${base.name}-${applied.join('+')}`, bytes });
  }
  return cases;
}

const text = (name: string, content: string): HostileCase => ({
  name,
  bytes: Buffer.from(content, 'utf8'),
});

const VALID_HEAD = 'version: 1\nagent: { preset: demo }\n';

/** Extreme files, each invalid by construction. */
export function extremePlans(): HostileCase[] {
  const bomb = ['version: 1', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level < 10; level++) {
    bomb.push(
      `a${level}: &a${level} [${Array(10)
        .fill(`*a${level - 1}`)
        .join(', ')}]`,
    );
  }
  bomb.push('phases: *a9');
  const manyPhases = Array.from(
    { length: 3000 },
    (_, i) => `  - id: p${i}\n    prompt: "${'do it '.repeat(8)}"\n`,
  ).join('');
  return [
    text('empty', ''),
    text('whitespace', ' \n\n\t\n'),
    text('bom-only', '\uFEFF'),
    text('comment-only', '# nothing\n'),
    text(
      'ten-megabytes',
      `${VALID_HEAD}phases:\n  - id: a\n    prompt: "${'x'.repeat(10 * 1024 * 1024)}"\n`,
    ),
    text('just-over-limit', `${VALID_HEAD}phases:\n${manyPhases}`),
    text('alias-bomb', `${bomb.join('\n')}\n`),
    text(
      'alias-bomb-in-prompt',
      `${bomb.slice(0, -1).join('\n')}\nphases: [{ id: a, prompt: *a9 }]\n`,
    ),
    text('alias-cycle', `${VALID_HEAD}phases: &p [*p]\n`),
    text('deep-flow', `${VALID_HEAD}phases: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`),
    text('deep-map', `${VALID_HEAD}phases: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`),
    text(
      'deep-block',
      `${VALID_HEAD}phases:\n${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i * 2)}- `).join('\n')}x\n`,
    ),
    text('duplicate-top-key', `${VALID_HEAD}version: 1\nphases: [{ id: a, prompt: x }]\n`),
    text('duplicate-phase-key', `${VALID_HEAD}phases:\n  - id: a\n    id: b\n    prompt: x\n`),
    text('tab-indent', `${VALID_HEAD}phases:\n\t- id: a\n\t  prompt: x\n`),
    text(
      'crlf-invalid',
      `${VALID_HEAD}phases:\r\n  - id: A\r\n    prompt: x\r\n`.replace(/(?<!\r)\n/g, '\r\n'),
    ),
    text('bom-invalid', `\uFEFF${VALID_HEAD}max_parallel: 0\nphases: [{ id: a, prompt: x }]\n`),
    {
      name: 'latin1',
      bytes: Buffer.from(`${VALID_HEAD}phases: [{ id: a, prompt: "caf\u00e9" }]\n`, 'latin1'),
    },
    { name: 'utf16', bytes: Buffer.from(`\uFEFF${VALID_HEAD}phases: []\n`, 'utf16le') },
    { name: 'binary', bytes: Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256) },
    text('nul-in-prompt', `${VALID_HEAD}phases: [{ id: a, prompt: "a\\0b" }]\n`),
    text(
      'huge-integer',
      `${VALID_HEAD}max_parallel: 1${'0'.repeat(400)}\nphases: [{ id: a, prompt: x }]\n`,
    ),
    text('infinity', `${VALID_HEAD}max_parallel: .inf\nphases: [{ id: a, prompt: x }]\n`),
    text('two-documents', `${VALID_HEAD}phases: [{ id: a, prompt: x }]\n---\nversion: 1\n`),
    text('list-as-key', `${VALID_HEAD}? [a, b]\n: 1\nphases: [{ id: a, prompt: x }]\n`),
    text(
      'proto-key',
      `${VALID_HEAD}__proto__: { polluted: true }\nphases: [{ id: a, prompt: x }]\n`,
    ),
    text('merge-key', `${VALID_HEAD}x: &x { id: a, prompt: p }\nphases: [{ <<: *x }]\n`),
    text('long-key', `${VALID_HEAD}${'k'.repeat(5000)}: 1\nphases: [{ id: a, prompt: x }]\n`),
    text('escape-out', `${VALID_HEAD}phases: [{ id: a, prompt: x, files: ["../**"] }]\n`),
    text('absolute-glob', `${VALID_HEAD}phases: [{ id: a, prompt: x, files: ["/etc/*"] }]\n`),
    text('lone-cr', `${VALID_HEAD}phases:\r  - id: A\r    prompt: x\r`),
  ];
}
