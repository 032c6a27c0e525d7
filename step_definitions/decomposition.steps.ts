/**
 * Subplan trees: repositories generated from path patterns, the trees that `subplan decompose
 * --json` and `subplan plan --json` print, and what a run made of a decomposed phase (one agent
 * task per leaf on its own branch, one merge per inner node, children merged in order).
 * Claims about a run compare it with the tree of the latest preview, so a run that cut the phase
 * differently from what the user was shown fails here.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Given, Then } from '@cucumber/cucumber';
import type { DataTable } from '@cucumber/cucumber';
import picomatch from 'picomatch';
import type { MergeStartedEvent, TaskStartedEvent } from '../src/core/index.js';
import type { SubplanNodeJson } from '../src/decompose/index.js';
import type { PlanPreview } from '../src/run/index.js';
import { check } from '../features/support/check.js';
import type { SubplanWorld } from '../features/support/world.js';

Given(
  'a git repository with a file for every path in {string}',
  async function (this: SubplanWorld, pattern: string) {
    const paths = expandBraces(pattern);
    check(new Set(paths).size === paths.length, `${pattern} names some paths twice`);
    // Each file names itself, so no two files are alike and sizes differ a little, as in real code.
    await this.createRepo(
      Object.fromEntries(
        paths.map((path) => [path, `export const path = ${JSON.stringify(path)};\n`]),
      ),
    );
  },
);

Given(
  'a binary file {string} of {int} bytes',
  async function (this: SubplanWorld, path: string, size: number) {
    // NUL bytes and invalid UTF-8 throughout: what git and text parsers find hardest to read.
    const bytes = Buffer.alloc(size);
    let state = 0x2545f491;
    for (let i = 0; i < size; i++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      bytes[i] = i % 7 === 0 ? 0 : state >>> 24;
    }
    await writeInRepo(this, path, bytes);
  },
);

Given(
  'a source file {string} of {int} bytes that imports its neighbours',
  async function (this: SubplanWorld, path: string, size: number) {
    const lines: string[] = [];
    let length = 0;
    for (let i = 0; size - length > 200; i++) {
      const line =
        i % 2 === 0
          ? `import { path as p${i} } from "./f${(i % 6) + 1}";\n`
          : `export const v${i} = p${i - 1}.length + ${i};\n`;
      lines.push(line);
      length += line.length;
    }
    // A comment pads the file to exactly `size` bytes, so the expected token count is exact.
    lines.push(`//${'-'.repeat(size - length - 3)}\n`);
    const text = lines.join('');
    assert.equal(Buffer.byteLength(text), size);
    await writeInRepo(this, path, text);
  },
);

Then(
  'the preview cuts {string} into {int} leaf subplans, all directly under its root',
  function (this: SubplanWorld, phase: string, count: number) {
    const root = treeOf(this, phase);
    assert.equal(root.id, phase);
    const leaves = leavesOf(root);
    assert.equal(leaves.length, count, `leaves: ${ids(leaves).join(', ')}`);
    assert.deepEqual(
      leaves.filter((leaf) => leaf.depth !== 1).map((leaf) => `${leaf.id} at depth ${leaf.depth}`),
      [],
    );
    assert.equal(root.children.length, count);
  },
);

Then(
  /^the (?:subplan tree|tree of "([^"]+)" in the preview) is (at least|at most|exactly) (\d+) levels? deep$/,
  function (this: SubplanWorld, phase: string | null, relation: string, text: string) {
    // Cucumber passes an optional group that did not match as null.
    const root = treeOf(this, phase ?? undefined);
    const height = heightOf(root);
    const levels = Number(text);
    const holds =
      relation === 'at least'
        ? height >= levels
        : relation === 'at most'
          ? height <= levels
          : height === levels;
    check(holds, `the tree is ${height} levels deep, not ${relation} ${levels}:\n${outline(root)}`);
  },
);

Then('the subplan tree covers {int} files', function (this: SubplanWorld, count: number) {
  const root = treeOf(this);
  assert.equal(root.file_count, count, 'file_count of the root');
  assert.equal(
    leavesOf(root).reduce((sum, leaf) => sum + leaf.file_count, 0),
    count,
    'file_count summed over the leaves',
  );
});

Then('every leaf holds at most {int} files', function (this: SubplanWorld, limit: number) {
  const root = treeOf(this);
  const over = leavesOf(root).filter((leaf) => leaf.file_count > limit);
  assert.deepEqual(
    over.map(
      (leaf) => `${leaf.id}: ${leaf.file_count} files${leaf.guard ? ` [${leaf.guard}]` : ''}`,
    ),
    [],
  );
  for (const leaf of leavesOf(root))
    assert.equal(filesOf(leaf).length, leaf.file_count, `${leaf.id}: files vs file_count`);
});

Then('no leaf was kept whole by a guard', function (this: SubplanWorld) {
  const guarded = leavesOf(treeOf(this)).filter((leaf) => leaf.guard !== undefined);
  assert.deepEqual(
    guarded.map((leaf) => `${leaf.id} [${String(leaf.guard)}]`),
    [],
  );
});

Then(
  'every tracked file matching {string} is in exactly one leaf',
  async function (this: SubplanWorld, glob: string) {
    const root = treeOf(this);
    const isMatch = picomatch(glob, { dot: true });
    const tracked = (await this.repo.git('ls-tree', '-r', '--name-only', 'HEAD'))
      .split('\n')
      .filter((path) => path !== '' && isMatch(path))
      .sort();
    check(tracked.length > 0, `no tracked file matches ${glob}; the claim would be empty`);
    const seen = new Map<string, string[]>();
    for (const leaf of leavesOf(root)) {
      for (const path of filesOf(leaf)) seen.set(path, [...(seen.get(path) ?? []), leaf.id]);
    }
    const twice = [...seen].filter(([, leaves]) => leaves.length > 1);
    assert.deepEqual(twice, [], 'files in more than one leaf');
    assert.deepEqual([...seen.keys()].sort(), tracked, 'the files of the leaves');
  },
);

Then(
  'each subplan directly under the root holds the files of exactly one package in {string}',
  function (this: SubplanWorld, prefix: string) {
    const root = treeOf(this);
    check(root.children.length >= 2, `the root was not split:\n${outline(root)}`);
    const packagesOf = (node: SubplanNodeJson): string[] => [
      ...new Set(
        leavesOf(node)
          .flatMap(filesOf)
          .map((path) => {
            check(path.startsWith(prefix), `${path} is not under ${prefix}`);
            return path.slice(prefix.length).split('/')[0] ?? '';
          }),
      ),
    ];
    const mixed = root.children
      .map((child) => ({ id: child.id, files: child.file_count, packages: packagesOf(child) }))
      .filter((child) => child.packages.length !== 1)
      .map((child) => `${child.id} (${child.files} files) holds ${child.packages.join(' + ')}`);
    check(
      mixed.length === 0,
      `these parts under the root cut across packages:\n${mixed.join('\n')}`,
    );
  },
);

Then(
  '{string} is in a leaf of its own, kept whole by the {string} guard',
  function (this: SubplanWorld, path: string, guard: string) {
    const leaf = leafHolding(treeOf(this), path);
    assert.deepEqual(filesOf(leaf), [path], `the files of ${leaf.id}`);
    assert.equal(leaf.guard, guard, `the guard of ${leaf.id}`);
  },
);

Then(
  'the leaf holding {string} counts {int} tokens',
  function (this: SubplanWorld, path: string, tokens: number) {
    const leaf = leafHolding(treeOf(this), path);
    assert.equal(leaf.tokens, tokens, `the tokens of ${leaf.id}`);
  },
);

Then(
  'each of these pairs of files shares a leaf:',
  function (this: SubplanWorld, table: DataTable) {
    const root = treeOf(this);
    const apart = table
      .raw()
      .map(([a = '', b = '']) => ({
        a,
        b,
        leafA: leafHolding(root, a),
        leafB: leafHolding(root, b),
      }))
      .filter(({ leafA, leafB }) => leafA.id !== leafB.id)
      .map(({ a, b, leafA, leafB }) => `${a} is in ${leafA.id}, ${b} in ${leafB.id}`);
    check(
      apart.length === 0,
      `files that belong together were cut apart:\n${apart.join('\n')}\n${outline(root)}`,
    );
  },
);

Then(
  "the preview's tree of {string} is the tree `subplan decompose` printed, rooted at {string}",
  function (this: SubplanWorld, phase: string, rootId: string) {
    const decompose = [...this.runs]
      .reverse()
      .find((run) => run.args[0] === 'decompose' && run.args.includes('--json'));
    check(decompose, 'no `subplan decompose --json` in this scenario');
    const printed = (JSON.parse(decompose.stdout) as { root: SubplanNodeJson }).root;
    // `subplan decompose` knows no phase and names its root `root`; a phase's root is the phase id.
    const renamed = JSON.parse(
      JSON.stringify(printed).replace(
        /"id":"root(?=[."])/g,
        `"id":${JSON.stringify(rootId).slice(0, -1)}`,
      ),
    ) as SubplanNodeJson;
    assert.deepEqual(treeOf(this, phase), renamed);
  },
);

Then("stdout is the same as the previous command's", function (this: SubplanWorld) {
  const [previous, last] = this.runs.slice(-2);
  check(previous && last, 'two commands are needed to compare');
  check(last.stdout.trim() !== '', 'stdout is empty; the claim would be empty');
  assert.equal(last.stdout, previous.stdout);
});

Then(
  'both previews show the same tree of {string}, at least {int} levels deep',
  function (this: SubplanWorld, phase: string, levels: number) {
    const previews = this.runs.filter(
      (run) => run.args[0] === 'plan' && run.args.includes('--json'),
    );
    const [first, second] = previews.slice(-2);
    check(first && second, 'two previews are needed to compare');
    const treeIn = (stdout: string): SubplanNodeJson | undefined =>
      (JSON.parse(stdout) as PlanPreview).trees.find((tree) => tree.phase === phase)?.root;
    const before = treeIn(first.stdout);
    check(before, `the first preview has no tree for ${phase}`);
    // A one-leaf tree would make "same ids" an empty claim.
    check(heightOf(before) >= levels, `the tree is only ${heightOf(before)} levels deep`);
    assert.deepEqual(treeIn(second.stdout), before);
  },
);

Then('no run directory was created', function (this: SubplanWorld) {
  const runs = join(this.repo.dir, '.subplan', 'runs');
  check(!existsSync(runs), `${runs} exists`);
});

Then(
  'every leaf subplan of {string} ran as an agent task on its own branch and worktree',
  function (this: SubplanWorld, phase: string) {
    const leaves = leavesOf(treeOf(this, phase)).map((leaf) => leaf.id);
    const agents = this.summary.tasks.filter(
      (task) => task.kind === 'agent' && task.phase === phase,
    );
    assert.deepEqual(
      agents.map((task) => task.id).sort(),
      [...leaves].sort(),
      'agent tasks of the phase vs leaves of the preview',
    );
    const started = startedEvents(this, phase);
    for (const id of leaves) {
      const branch = `subplan/${this.summary.run_id}/${id}`;
      assert.equal(this.task(id).branch, branch, `branch of ${id} in the summary`);
      const attempts = started.filter((event) => event.task === id);
      assert.equal(attempts.length, 1, `${id} started ${attempts.length} times`);
      assert.equal(attempts[0]?.branch, branch, `branch of ${id} when it started`);
    }
    // Worktrees are recycled once a task has finished with them, so "its own" means: no two
    // leaves that ran at the same time shared one.
    const spans = started.map((event) => {
      const task = this.task(event.task);
      return {
        id: event.task,
        worktree: event.worktree,
        start: Date.parse(task.started_at ?? ''),
        end: Date.parse(task.finished_at ?? ''),
      };
    });
    for (const a of spans) {
      for (const b of spans) {
        if (a.id >= b.id || a.worktree !== b.worktree) continue;
        check(
          a.end <= b.start || b.end <= a.start,
          `${a.id} and ${b.id} ran at the same time in ${a.worktree}`,
        );
      }
    }
  },
);

Then(
  "every leaf subplan of {string} started from the run's base commit",
  function (this: SubplanWorld, phase: string) {
    const base = this.summary.base_commit;
    const wrong = startedEvents(this, phase)
      .filter((event) => event.base_commit !== base)
      .map((event) => `${event.task} from ${event.base_commit}`);
    assert.deepEqual(wrong, [], `the run started from ${base}`);
  },
);

Then(
  'every leaf subplan of {string} started from one commit containing {string}',
  async function (this: SubplanWorld, phase: string, path: string) {
    const commits = new Set(startedEvents(this, phase).map((event) => event.base_commit));
    assert.equal(commits.size, 1, `the leaves started from ${[...commits].join(', ')}`);
    const [commit] = commits;
    check(commit, 'no leaf started');
    check(
      (await filesAt(this, commit)).includes(path),
      `the leaves started from ${commit.slice(0, 10)}, which lacks ${path}`,
    );
  },
);

Then(
  'every inner subplan of {string} merged its children in order',
  function (this: SubplanWorld, phase: string) {
    const inner = nodesOf(treeOf(this, phase)).filter((node) => node.children.length > 0);
    check(inner.length > 0, 'the tree has no inner node');
    for (const node of inner) {
      const merges = this.lastRun.events.filter(
        (e): e is MergeStartedEvent => e.type === 'merge-started' && e.task === node.id,
      );
      assert.equal(merges.length, 1, `merge task ${node.id} started ${merges.length} times`);
      assert.deepEqual(merges[0]?.sources, ids(node.children), `what ${node.id} merged`);
      assert.equal(this.task(node.id).status, 'succeeded', `merge task ${node.id}`);
      assert.equal(this.task(node.id).kind, 'merge', `kind of ${node.id}`);
    }
  },
);

Then(
  'the merge tasks were {string}, and all succeeded',
  function (this: SubplanWorld, list: string) {
    const merges = this.summary.tasks.filter((task) => task.kind === 'merge');
    assert.deepEqual(merges.map((task) => task.id).sort(), list.split(/,\s*/).sort());
    assert.deepEqual(
      merges
        .filter((task) => task.status !== 'succeeded')
        .map((task) => `${task.id}: ${task.reason ?? task.status}`),
      [],
    );
  },
);

Then(
  'every leaf branch of {string} is merged into the phase branch of {string}',
  async function (this: SubplanWorld, leavesPhase: string, phase: string) {
    const branch = phaseBranch(this, phase);
    for (const leaf of leavesOf(treeOf(this, leavesPhase))) {
      const commit = this.task(leaf.id).commit;
      check(commit, `${leaf.id} has no commit in the summary`);
      assert.equal(
        await this.repo.git('rev-parse', `${this.task(leaf.id).branch ?? ''}^{commit}`),
        commit,
        `the branch of ${leaf.id} moved`,
      );
      // merge-base exits 1 when it is not an ancestor; git() rejects then.
      await this.repo.git('merge-base', '--is-ancestor', commit, branch).catch(() => {
        throw new Error(`${leaf.id} (${commit.slice(0, 10)}) is not merged into ${branch}`);
      });
    }
  },
);

Then(
  'the phase branch of {string} contains {string} for every leaf subplan',
  async function (this: SubplanWorld, phase: string, template: string) {
    await expectForEveryLeaf(this, phase, phaseBranch(this, phase), template);
  },
);

Then(
  'the result branch contains {string} for every leaf subplan of {string}',
  async function (this: SubplanWorld, template: string, phase: string) {
    const branch = this.summary.result_branch;
    check(branch, `the run has no result branch (status ${this.summary.status})`);
    await expectForEveryLeaf(this, phase, branch, template);
  },
);

Then(
  'for every leaf subplan of {string}, the result branch has {string} listing exactly its files',
  async function (this: SubplanWorld, phase: string, template: string) {
    const branch = this.summary.result_branch;
    check(branch, `the run has no result branch (status ${this.summary.status})`);
    for (const leaf of leavesOf(treeOf(this, phase))) {
      const path = template.replaceAll('{subplan}', leaf.id);
      const text: string = await this.repo.git('show', `${branch}:${path}`);
      const listed = text.split(/\s+/).filter((word) => word !== '');
      assert.deepEqual(listed, filesOf(leaf), `the files ${leaf.id} was given`);
    }
  },
);

/**
 * The tree the claims are about: with a phase, that phase's tree in the latest preview; without,
 * the tree the latest decompose or preview printed (a preview must then hold exactly one).
 */
function treeOf(world: SubplanWorld, phase?: string): SubplanNodeJson {
  const printed = [...world.runs]
    .reverse()
    .find(
      (run) =>
        run.args.includes('--json') &&
        (run.args[0] === 'plan' || (phase === undefined && run.args[0] === 'decompose')),
    );
  check(
    printed,
    phase === undefined
      ? 'no `subplan decompose --json` or `subplan plan --json` in this scenario'
      : `no preview (\`subplan plan --json\`) shows the tree of ${phase}`,
  );
  check(printed.exitCode === 0, `\`subplan ${printed.args.join(' ')}\` exited ${printed.exitCode}`);
  if (printed.args[0] === 'decompose') {
    const output = JSON.parse(printed.stdout) as { schema_version: number; root: SubplanNodeJson };
    assert.equal(output.schema_version, 1);
    return output.root;
  }
  const preview = JSON.parse(printed.stdout) as PlanPreview;
  const trees =
    phase === undefined ? preview.trees : preview.trees.filter((t) => t.phase === phase);
  check(
    trees.length === 1 && trees[0],
    `the preview has ${trees.length} trees${phase ? ` for ${phase}` : ''}: ${preview.trees.map((t) => t.phase).join(', ')}`,
  );
  return trees[0].root;
}

function nodesOf(node: SubplanNodeJson): SubplanNodeJson[] {
  return [node, ...node.children.flatMap(nodesOf)];
}

function leavesOf(node: SubplanNodeJson): SubplanNodeJson[] {
  return node.children.length === 0 ? [node] : node.children.flatMap(leavesOf);
}

function filesOf(leaf: SubplanNodeJson): readonly string[] {
  check(leaf.files, `leaf ${leaf.id} lists no files`);
  return leaf.files;
}

function leafHolding(root: SubplanNodeJson, path: string): SubplanNodeJson {
  const holding = leavesOf(root).filter((leaf) => filesOf(leaf).includes(path));
  check(holding.length === 1 && holding[0], `${path} is in ${holding.length} leaves`);
  return holding[0];
}

/** Levels below the root: a lone leaf is 0 levels deep. */
function heightOf(node: SubplanNodeJson): number {
  return node.children.length === 0 ? 0 : 1 + Math.max(...node.children.map(heightOf));
}

function ids(nodes: readonly SubplanNodeJson[]): string[] {
  return nodes.map((node) => node.id);
}

/** The tree as `subplan decompose` prints it, for failure messages; capped for huge trees. */
function outline(root: SubplanNodeJson): string {
  const lines = nodesOf(root).map(
    (node) =>
      `${'  '.repeat(node.depth)}${node.id} (${node.file_count} files)${node.guard ? ` [${node.guard}]` : ''}`,
  );
  return lines.length > 60
    ? [...lines.slice(0, 60), `... ${lines.length - 60} more`].join('\n')
    : lines.join('\n');
}

function startedEvents(world: SubplanWorld, phase: string): TaskStartedEvent[] {
  const started = world.lastRun.events.filter(
    (e): e is TaskStartedEvent => e.type === 'task-started' && e.phase === phase,
  );
  check(started.length > 0, `no task of ${phase} started`);
  return started;
}

/** The branch of the phase's root merge task: `subplan/<run>/<phase>`. */
function phaseBranch(world: SubplanWorld, phase: string): string {
  const task = world.task(phase);
  assert.equal(task.kind, 'merge', `${phase} is the phase's merge task`);
  assert.equal(task.status, 'succeeded', `the merge task ${phase}`);
  const branch = `subplan/${world.summary.run_id}/${phase}`;
  assert.equal(task.branch, branch, `the branch of ${phase}`);
  return branch;
}

async function expectForEveryLeaf(
  world: SubplanWorld,
  phase: string,
  commitish: string,
  template: string,
): Promise<void> {
  const files = await filesAt(world, commitish);
  const leaves = leavesOf(treeOf(world, phase));
  const missing = leaves
    .map((leaf) => template.replaceAll('{subplan}', leaf.id))
    .filter((path) => !files.includes(path));
  assert.deepEqual(missing, [], `missing on ${commitish}`);
}

async function filesAt(world: SubplanWorld, commitish: string): Promise<string[]> {
  return (await world.repo.git('ls-tree', '-r', '--name-only', commitish))
    .split('\n')
    .filter((line) => line !== '');
}

async function writeInRepo(
  world: SubplanWorld,
  path: string,
  content: string | Buffer,
): Promise<void> {
  const full = join(world.repo.dir, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, content);
}

/**
 * Shell-style brace expansion: `{a,b}` alternatives and `{1..12}` ranges, where a range whose
 * first bound has a leading zero is zero-padded to that width (`{001..200}`).
 */
export function expandBraces(pattern: string): string[] {
  const match = /\{([^{}]*)\}/.exec(pattern);
  if (!match) return [pattern];
  const before = pattern.slice(0, match.index);
  const after = pattern.slice(match.index + match[0].length);
  const body = match[1] ?? '';
  const range = /^(\d+)\.\.(\d+)$/.exec(body);
  let options: string[];
  if (range) {
    const [, from = '', to = ''] = range;
    const width = from.startsWith('0') ? from.length : 0;
    options = [];
    for (let n = Number(from); n <= Number(to); n++) options.push(String(n).padStart(width, '0'));
  } else {
    options = body.split(',');
  }
  return options.flatMap((option) => expandBraces(`${before}${option}${after}`));
}
