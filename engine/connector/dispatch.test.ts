import { describe, expect, it } from 'vitest';
import { openSource, openTarget, withResources } from './dispatch.js';
import type { Connection, ConnectorDefinition, SourceResource, TargetResource } from './types.js';

interface Conn extends Connection {
  opened: string[];
}

const source: SourceResource = { read: async function* () {} };
const target: TargetResource = {
  commitWindowMs: 0,
  lookup: () => Promise.resolve(new Map()),
  write: () => Promise.resolve([]),
};

const def: ConnectorDefinition<object, Conn> = {
  name: 'demo',
  description: 'a connector for dispatch tests',
  configSchema: { type: 'object' },
  resources: {
    rows: {
      description: 'read and written',
      roles: ['source', 'lookup', 'target'],
      key: 'id',
      optionsSchema: { type: 'object' },
      capabilities: { bulkSize: 1 },
      openSource(conn, options, ctx) {
        conn.opened.push(`source ${ctx.resource} ${JSON.stringify(options)}`);
        return source;
      },
      openTarget(conn, options, binding, ctx) {
        conn.opened.push(`target ${ctx.resource} ${binding.mode} ${binding.keyField ?? '-'}`);
        return target;
      },
    },
    postings: {
      description: 'create only',
      roles: ['target'],
      key: 'ref',
      optionsSchema: { type: 'object' },
      capabilities: { bulkSize: 1, modes: ['create'] },
      openTarget: () => target,
    },
  },
  open: () => Promise.resolve({ opened: [], stats: () => ({ apiCalls: 0 }), close: () => Promise.resolve() }),
};

describe('resource dispatch', () => {
  it('opens each resource through its own definition, with its name', async () => {
    const conn = await def.open({}, undefined as never);
    expect(openSource(def, conn, 'rows', { a: 1 })).toBe(source);
    expect(openTarget(def, conn, 'rows', {}, { keyField: 'id', mode: 'mirror' })).toBe(target);
    expect(conn.opened).toEqual(['source rows {"a":1}', 'target rows mirror id']);
  });

  it('refuses an unknown resource, a role it lacks and a mode it does not support, with the engine codes', async () => {
    const conn = await def.open({}, undefined as never);
    expect(() => openSource(def, conn, 'nope')).toThrow(
      expect.objectContaining({
        code: 'RESOURCE_UNKNOWN',
        message: 'connector "demo" has no resource "nope"; it offers: postings, rows',
      }),
    );
    expect(() => openSource(def, conn, 'toString')).toThrow(expect.objectContaining({ code: 'RESOURCE_UNKNOWN' }));
    expect(() => openSource(def, conn, 'postings')).toThrow(
      expect.objectContaining({
        code: 'ROLE_UNSUPPORTED',
        message: 'connector "demo" has no source resource "postings"; source resources: rows',
      }),
    );
    expect(() => openTarget(def, conn, 'postings', {}, { keyField: 'ref', mode: 'upsert' })).toThrow(
      expect.objectContaining({
        code: 'MODE_UNSUPPORTED',
        message: expect.stringMatching(/supports mode create, not upsert/),
      }),
    );
    expect(conn.opened).toEqual([]);
  });

  it('binds openers to a connection for tools and tests', async () => {
    const conn = withResources(def, await def.open({}, undefined as never));
    expect(conn.source('rows')).toBe(source);
    expect(conn.target('postings', {}, { keyField: 'ref', mode: 'create' })).toBe(target);
    expect(conn.opened).toEqual(['source rows {}']);
  });
});
