/**
 * Runs with a transform file and function libraries: the same session as an inline transform, the
 * libraries bound for the transform, and a saved plan refused once a library it was made with changed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryHarness } from '../../test/helpers/memory-harness.js';
import { session, writePipeline } from '../../test/helpers/pipeline-fixture.js';

const LIBRARY = `(
  $label := function($name) { $uppercase($name) };
  { "toTarget": function($r) { { "id": $r.id, "name": $label($r.name), "amount": $double($r.amount) } },
    "double": function($n) { $n * 2 } }
)
`;

describe('a pipeline with a transform file and function libraries', () => {
  const h = memoryHarness();

  function write(): string {
    writeFileSync(join(h.dir, 'to-target.jsonata'), '$toTarget($)\n');
    writeFileSync(join(h.dir, 'records.jsonata'), LIBRARY);
    return writePipeline(h.dir, {
      name: h.name('functions'),
      transform: 'unused',
      extra: { transform: { file: 'to-target.jsonata' }, functions: ['records.jsonata'] },
    });
  }

  it('runs the transform file with the library functions bound', async () => {
    const r = await session(h.state, { command: 'run', pipelinePath: write() });
    expect(r.report.error).toBeUndefined();
    expect(r.exitCode).toBe(0);
    expect(h.dst.target.get('b')?.record).toEqual({ id: 'b', name: 'BETA', amount: 4 });
    expect(h.dst.target.size).toBe(3);
  });

  it('refuses a saved plan once a library changed after it was made, and writes nothing', async () => {
    const pipelinePath = write();
    const planOut = join(h.dir, 'plan.json');
    expect((await session(h.state, { command: 'plan', pipelinePath, planOut })).report.error).toBeUndefined();
    writeFileSync(join(h.dir, 'records.jsonata'), LIBRARY.replace('$n * 2', '$n * 3'));
    const r = await session(h.state, { command: 'apply', planPath: planOut });
    expect(r.exitCode).toBe(2);
    expect(r.report.error?.code).toBe('PLAN_STALE');
    expect(h.dst.writes).toEqual([]);
  });
});
