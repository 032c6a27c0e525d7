import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planJsonSchema } from '../../src/plan/index.js';

describe('JSON Schema', () => {
  it('matches the committed schema/plan.schema.json (run `node bin/subplan.js schema > schema/plan.schema.json` after changing the plan schema)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL('../../schema/plan.schema.json', import.meta.url), 'utf8'),
    );
    expect(planJsonSchema()).toEqual(committed);
  });

  it('rejects unknown keys, as the loader does', () => {
    const schema = planJsonSchema() as { additionalProperties?: boolean; required?: string[] };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['version', 'phases']);
  });
});
