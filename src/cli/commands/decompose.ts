import type { Command } from 'commander';
import { resolveCommit, openRepo } from '../../git/index.js';
import {
  decomposeScope,
  formatSubplanTree,
  leavesOf,
  listCommitFiles,
  matchScope,
  subplanTreeJson,
  treeHeight,
} from '../../decompose/index.js';
import { UsageError } from '../../core/index.js';
import { DECOMPOSE_STRATEGIES } from '../../plan/index.js';
import type { DecomposeStrategyName } from '../../plan/index.js';
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
    .option('--json', 'print {"schema_version":1,"root":{…}} on stdout')
    .action(async (dir: string | undefined, flags: DecomposeFlags) => {
      if (!isStrategy(flags.strategy)) {
        throw new UsageError(
          `expected --strategy to be one of ${DECOMPOSE_STRATEGIES.join(', ')}, got \`${flags.strategy}\``,
        );
      }
      if (flags.maxChildren < 2)
        throw new UsageError(
          `expected --max-children to be at least 2, got \`${flags.maxChildren}\``,
        );
      if (flags.minFiles > flags.maxFiles) {
        throw new UsageError(
          `--min-files (${flags.minFiles}) is larger than --max-files (${flags.maxFiles})`,
        );
      }
      const repo = await openRepo(repoDirFrom(io.cwd, dir));
      const commit = await resolveCommit(repo, flags.base);
      const scope = matchScope(await listCommitFiles(repo, commit), flags.files ?? []);
      if (scope.length === 0)
        throw new UsageError(
          `no tracked file matches ${(flags.files ?? []).join(', ') || 'the repository'} at ${flags.base}`,
        );
      const tree = decomposeScope('root', scope, {
        maxFiles: flags.maxFiles,
        minFiles: flags.minFiles,
        maxDepth: flags.maxDepth,
        maxTokens: flags.maxTokens,
        maxChildren: flags.maxChildren,
        strategy: flags.strategy,
      });
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

function isStrategy(name: string): name is DecomposeStrategyName {
  return (DECOMPOSE_STRATEGIES as readonly string[]).includes(name);
}
