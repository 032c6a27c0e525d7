import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/ensure-built.js';

const root = new URL('../../', import.meta.url).pathname;

beforeAll(ensureBuilt, 120_000);

describe('the installed package', () => {
  it('runs as `npx subplan` from a project that installs it', async () => {
    const project = await mkdtemp(join(tmpdir(), 'subplan-consumer-'));
    try {
      await writeFile(
        join(project, 'package.json'),
        JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
      );
      await execa(
        'npm',
        ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', root],
        { cwd: project },
      );
      const help = await execa('npx', ['--offline', 'subplan', '--help'], { cwd: project });
      expect(help.stdout).toContain('Usage: subplan');
      const schema = await execa('npx', ['--offline', 'subplan', 'schema'], { cwd: project });
      expect(JSON.parse(schema.stdout)).toMatchObject({ title: 'subplan plan file' });
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it('runs bin/subplan.js directly and exits 2 on a bad plan with no stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'subplan-bin-'));
    try {
      await writeFile(join(dir, 'bad.yaml'), 'version: 1\nphases: []\n');
      const result = await execa(
        process.execPath,
        [join(root, 'bin', 'subplan.js'), 'validate', 'bad.yaml'],
        { cwd: dir, reject: false },
      );
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toBe('bad.yaml:2:9: expected `phases` to have at least 1 item');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
