import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/core/index.js';
import { readPlan } from '../../src/plan/index.js';

const fixtures = new URL('../fixtures/plans/', import.meta.url).pathname;
const invalid = readdirSync(`${fixtures}invalid`)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('invalid plans (golden diagnostics)', () => {
  it.each(invalid)('%s', async (file) => {
    const result = await readPlan(`${fixtures}invalid/${file}`, { displayPath: file });
    expect(result.ok).toBe(false);
    const text = result.ok ? '' : `${result.diagnostics.map(formatDiagnostic).join('\n')}\n`;
    const expected = readFileSync(
      `${fixtures}invalid/${file.replace(/\.yaml$/, '.expected.txt')}`,
      'utf8',
    );
    expect(text).toBe(expected);
  });

  it('points every diagnostic at file:line:col except whole-file problems', async () => {
    for (const file of invalid) {
      const result = await readPlan(`${fixtures}invalid/${file}`, { displayPath: file });
      if (result.ok) continue;
      for (const line of result.diagnostics.map(formatDiagnostic)) {
        expect(line).toMatch(new RegExp(`^${file.replace('.', '\\.')}(:\\d+:\\d+)?: \\S`));
      }
    }
  });
});

describe('valid plans', () => {
  it('applies defaults and maps keys to camelCase', async () => {
    const result = await readPlan(`${fixtures}valid/minimal.yaml`);
    expect(result.ok && result.plan).toMatchObject({
      name: 'minimal',
      base: 'HEAD',
      onFailure: 'continue',
      phases: [
        {
          id: 'only',
          dependsOn: [],
          files: [],
          agent: { program: { kind: 'preset', preset: 'demo' }, retries: 0 },
        },
      ],
    });
    expect(result.ok && result.plan.maxParallel).toBeUndefined();
  });

  it('merges a phase agent over the default and parses durations', async () => {
    const result = await readPlan(`${fixtures}valid/full.yaml`);
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    const [dataLayer, api, , integration] = result.plan.phases;
    expect(dataLayer?.estimateMs).toBe(90 * 60_000);
    const agentDefaults = {
      extraArgs: [],
      envPass: [],
      envSet: {},
      rateLimit: { retries: 5, waitMs: 30_000 },
    };
    expect(dataLayer?.agent).toEqual({
      program: { kind: 'command', argv: ['my-agent', '--prompt', '{prompt}'] },
      retries: 1,
      timeoutMs: 20 * 60_000,
      ...agentDefaults,
    });
    expect(api?.agent).toEqual({
      program: { kind: 'preset', preset: 'demo' },
      retries: 1,
      timeoutMs: 30_000,
      ...agentDefaults,
    });
    expect(integration?.dependsOn).toEqual(['api', 'ui']);
    expect(result.plan.maxParallel).toBe(8);
    expect(result.plan.onFailure).toBe('fail-fast');
  });

  it('takes a phase model over the top-level one; a phase naming its program takes neither model nor args', async () => {
    const result = await readPlan(`${fixtures}valid/agent-inheritance.yaml`);
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    const agents = Object.fromEntries(
      result.plan.phases.map((p) => [
        p.id,
        { program: p.agent.program, extraArgs: p.agent.extraArgs, timeoutMs: p.agent.timeoutMs },
      ]),
    );
    expect(agents).toEqual({
      inherits: {
        program: { kind: 'preset', preset: 'claude', model: 'sonnet' },
        extraArgs: ['--max-turns', '5'],
        timeoutMs: 600_000,
      },
      'own-model': {
        program: { kind: 'preset', preset: 'claude', model: 'opus' },
        extraArgs: ['--max-turns', '5'],
        timeoutMs: 60_000,
      },
      'own-program': {
        program: { kind: 'preset', preset: 'codex' },
        extraArgs: [],
        timeoutMs: 600_000,
      },
      'own-program-model': {
        program: { kind: 'preset', preset: 'codex', model: 'o3' },
        extraArgs: ['--oss'],
        timeoutMs: 600_000,
      },
    });
  });

  it('reads the resolver, and verify gates with plan defaults a phase overrides', async () => {
    const result = await readPlan(`${fixtures}valid/gates.yaml`);
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
    const agentDefaults = {
      extraArgs: [],
      envPass: [],
      envSet: {},
      retries: 0,
      rateLimit: { retries: 5, waitMs: 30_000 },
    };
    expect(result.plan.merge).toEqual({
      onConflict: 'agent',
      resolver: {
        program: { kind: 'command', argv: ['resolve', '{conflicts}'] },
        timeoutMs: 60_000,
        ...agentDefaults,
      },
    });
    const [a, b, c] = result.plan.phases;
    expect(a?.verify).toEqual({
      commands: [['npm', 'test']],
      fix: { program: { kind: 'command', argv: ['fixer', '{verify_output}'] }, ...agentDefaults },
    });
    expect(b?.verify).toBeUndefined();
    expect(c?.verify).toEqual({
      commands: [
        ['make', 'check'],
        ['npm', 'run', 'lint'],
      ],
      fix: { program: { kind: 'preset', preset: 'demo' }, ...agentDefaults },
    });
  });

  it('reads plans with a byte-order mark and CRLF line ends', async () => {
    const result = await readPlan(`${fixtures}valid/bom-crlf.yaml`);
    expect(result.ok && result.plan.phases.map((p) => [p.id, p.prompt, p.dependsOn])).toEqual([
      ['a', 'first', []],
      ['b', 'second', ['a']],
    ]);
  });

  it('reports a missing file without a position', async () => {
    const result = await readPlan(`${fixtures}nope.yaml`, { displayPath: 'nope.yaml' });
    expect(result.ok ? [] : result.diagnostics.map(formatDiagnostic)).toEqual([
      'nope.yaml: no such file',
    ]);
  });
});
