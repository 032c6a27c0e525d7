import type { Command } from 'commander';
import { UsageError } from '../../core/index.js';
import {
  decomposeScope,
  evaluateDecomposition,
  formatSubplanTree,
  leavesOf,
  listCommitFiles,
  matchScope,
  readSignals,
  subplanTreeJson,
  treeHeight,
} from '../../decompose/index.js';
import type { DecompositionEvaluation } from '../../decompose/index.js';
import { openRepo, resolveCommit } from '../../git/index.js';
import { DECOMPOSE_STRATEGIES } from '../../plan/index.js';
import type { DecomposeSettings, DecomposeStrategyName } from '../../plan/index.js';
import type { CliIo } from '../io.js';
import { parsePositiveInt, repoDirFrom } from '../options.js';

interface DecomposeFlags {
  files?: string[];
  maxFiles: number;
  minFiles: number;
  maxDepth: number;
  maxTokens: number;
  maxChildren: number;
  strategy: string;
  base: string;
  evaluate?: number;
  json?: boolean;
}

export function registerDecompose(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  program
    .command('decompose')
    .description("cut a repository's files into a tree of subplans and print it with sizes")
    .argument('[dir]', 'repository (default: current directory)')
    .option('--files <glob...>', 'only files matching these globs (default: all tracked files)')
    .option('--max-files <n>', 'files per leaf at most', parsePositiveInt('--max-files'), 25)
    .option(
      '--min-files <n>',
      'never split a node with fewer files',
      parsePositiveInt('--min-files'),
      3,
    )
    .option('--max-depth <n>', 'deepest level of the tree', parsePositiveInt('--max-depth'), 5)
    .option(
      '--max-tokens <n>',
      'estimated tokens (bytes / 4) per leaf at most',
      parsePositiveInt('--max-tokens'),
      60_000,
    )
    .option(
      '--max-children <n>',
      'children of one node at most',
      parsePositiveInt('--max-children'),
      8,
    )
    .option('--strategy <name>', `clustering: ${DECOMPOSE_STRATEGIES.join(' | ')}`, 'auto')
    .option('--base <ref>', 'commit whose files are decomposed', 'HEAD')
    .option(
      '--evaluate <n>',
      'decompose as of N non-merge commits ago and report the cross-cut rate over those N commits, against directory',
      parsePositiveInt('--evaluate'),
    )
    .option('--json', 'print {"schema_version":1,"root":{…}} on stdout')
    .action(async (dir: string | undefined, flags: DecomposeFlags) => {
      const settings = settingsFrom(flags);
      const repo = await openRepo(repoDirFrom(io.cwd, dir));
      const commit = await resolveCommit(repo, flags.base);
      const globs = flags.files ?? [];
      if (flags.evaluate !== undefined) {
        const { strategy, ...limits } = settings;
        const evaluation = await evaluateDecomposition({
          repo,
          head: commit,
          window: flags.evaluate,
          globs,
          settings: limits,
          strategies: strategy === 'directory' ? ['directory'] : [strategy, 'directory'],
        });
        io.stdout.write(
          flags.json ? `${JSON.stringify(evaluation)}\n` : `${formatEvaluation(evaluation)}\n`,
        );
        setExit(0);
        return;
      }
      const allFiles = await listCommitFiles(repo, commit);
      const scope = matchScope(allFiles, globs);
      if (scope.length === 0)
        throw new UsageError(
          `no tracked file matches ${globs.join(', ') || 'the repository'} at ${flags.base}`,
        );
      const signals = await readSignals({
        repo,
        commit,
        strategies: [settings.strategy],
        scope,
        allFiles,
      });
      const tree = decomposeScope('root', scope, settings, signals);
      if (flags.json) {
        io.stdout.write(`${JSON.stringify({ schema_version: 1, root: subplanTreeJson(tree) })}\n`);
      } else {
        io.stdout.write(`${formatSubplanTree(subplanTreeJson(tree))}\n`);
        io.stderr.write(
          `${scope.length} files, ${leavesOf(tree).length} leaves, depth ${treeHeight(tree)}\n`,
        );
      }
      setExit(0);
    });
}

function settingsFrom(flags: DecomposeFlags): DecomposeSettings {
  if (!isStrategy(flags.strategy)) {
    throw new UsageError(
      `expected --strategy to be one of ${DECOMPOSE_STRATEGIES.join(', ')}, got \`${flags.strategy}\``,
    );
  }
  if (flags.maxChildren < 2)
    throw new UsageError(`expected --max-children to be at least 2, got \`${flags.maxChildren}\``);
  if (flags.minFiles > flags.maxFiles) {
    throw new UsageError(
      `--min-files (${flags.minFiles}) is larger than --max-files (${flags.maxFiles})`,
    );
  }
  return {
    maxFiles: flags.maxFiles,
    minFiles: flags.minFiles,
    maxDepth: flags.maxDepth,
    maxTokens: flags.maxTokens,
    maxChildren: flags.maxChildren,
    strategy: flags.strategy,
  };
}

function formatEvaluation(evaluation: DecompositionEvaluation): string {
  const rate = (r: number | null) => (r === null ? '-' : r.toFixed(3));
  const rows = evaluation.results.map(
    (r) =>
      `${r.strategy.padEnd(10)} ${String(r.leaves).padStart(6)} ${String(r.eligible_commits).padStart(9)} ${String(r.crosscut_commits).padStart(9)} ${rate(r.crosscut_rate).padStart(6)}`,
  );
  const [first, second] = evaluation.results;
  const ratio =
    first && second && first.crosscut_rate !== null && second.crosscut_rate
      ? [
          `${first.strategy}/${second.strategy} cross-cut ratio: ${(first.crosscut_rate / second.crosscut_rate).toFixed(2)}`,
        ]
      : [];
  return [
    `decomposed at ${evaluation.base_commit.slice(0, 10)} (${evaluation.files} files), measured over the ${evaluation.window} later non-merge commits`,
    'strategy   leaves  eligible  crosscut   rate',
    ...rows,
    ...ratio,
  ].join('\n');
}

function isStrategy(name: string): name is DecomposeStrategyName {
  return (DECOMPOSE_STRATEGIES as readonly string[]).includes(name);
}
