import { describe, expect, it } from 'vitest';
import type { ConnectorDefinition } from '../../engine/connector/types.js';
import { conformanceAjv, definitionProblems } from './definition-checks.js';
import { memoryConnector } from './memory-connector.js';

function broken(patch: (d: ConnectorDefinition<never>) => void): string[] {
  // A copy deep enough to patch: schemas, roles and capabilities cloned, the functions kept.
  const resources = Object.entries(memoryConnector.resources).map(([name, r]) => [
    name,
    { ...r, roles: [...r.roles], capabilities: structuredClone(r.capabilities) },
  ]);
  const def = {
    ...memoryConnector,
    configSchema: structuredClone(memoryConnector.configSchema),
    resources: Object.fromEntries(resources),
  } as unknown as ConnectorDefinition<never>;
  patch(def);
  return definitionProblems(def);
}

describe('definitionProblems', () => {
  it('accepts the reference connector', () => {
    expect(definitionProblems(memoryConnector as unknown as ConnectorDefinition<never>)).toEqual([]);
  });

  it('reports every problem at once', () => {
    const problems = broken((d) => {
      (d as { name: string }).name = 'Bad Name';
      d.configSchema = { type: 'object', properties: { a: { type: 'strin' } } };
      const r = d.resources.rows!;
      (r as unknown as { roles: string[] }).roles = ['source'];
      r.capabilities = { bulkSize: 0, confirm: true, list: true };
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name "Bad Name"/),
        'configSchema: must set "additionalProperties": false',
        expect.stringMatching(/^configSchema: does not compile/),
        'resource "rows": bulkSize must be an integer >= 1',
        'resource "rows": capability bulkSize only makes sense with the target role',
        'resource "rows": capability list only makes sense with the target role',
      ]),
    );
    expect(problems).not.toContain('resource "rows": capability confirm only makes sense with the source role');
  });

  it('requires an opener for each role a resource offers, and none for roles it lacks', () => {
    const problems = broken((d) => {
      const r = d.resources.rows!;
      (r as unknown as { roles: string[] }).roles = ['lookup'];
      r.capabilities = {};
      delete (r as { openSource?: unknown }).openSource;
    });
    expect(problems).toEqual([
      'resource "rows": openSource must be a function exactly when the roles include source or lookup',
      'resource "rows": openTarget must be a function exactly when the roles include target',
    ]);
  });

  it('rejects unknown keywords (typos) but knows x-secret and formats', () => {
    const ajv = conformanceAjv();
    expect(() =>
      ajv.compile({ type: 'object', properties: { u: { type: 'string', format: 'uri', 'x-secret': true } } }),
    ).not.toThrow();
    expect(() => ajv.compile({ type: 'object', propertys: {} })).toThrow(/unknown keyword/);
  });

  it('requires bulkSize on targets and known delete actions and roles', () => {
    const problems = broken((d) => {
      const r = d.resources.rows!;
      r.capabilities = { deleteActions: ['purge' as never] };
      (r as unknown as { roles: string[] }).roles = ['target', 'sink'];
    });
    expect(problems).toContain('resource "rows": roles must be a non-empty list of distinct source, lookup, target');
    const targetProblems = broken((d) => {
      d.resources.rows!.capabilities = { deleteActions: ['purge' as never] };
    });
    expect(targetProblems).toEqual([
      'resource "rows": a target must declare bulkSize (>= 1)',
      'resource "rows": deleteActions must be a subset of delete, deactivate',
    ]);
  });
});
