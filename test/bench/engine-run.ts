/** Runs the benchmark pipeline (file JSONL → JSONata → ledger → file JSONL, posting-shaped) through the real engine. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createRegistry } from '../../engine/connector/registry.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { runSession, type SessionResult } from '../../engine/run/session.js';
import { fileConnector } from '../../connectors/file/index.js';
import { ACCOUNTS, TRANSFORM } from './workload.js';

export async function runEngine(dir: string, input: string): Promise<SessionResult> {
  writeFileSync(join(dir, 'accounts.json'), JSON.stringify(ACCOUNTS));
  writeFileSync(join(dir, 'connections.yaml'), stringify({ connections: { files: { connector: 'file' } } }));
  writeFileSync(
    join(dir, 'bench.yaml'),
    stringify({
      version: 1,
      name: 'bench',
      source: { connection: 'files', resource: 'records', options: { path: input }, key: 'ReportID', pageSize: 500 },
      lookups: {
        accounts: { connection: 'files', resource: 'records', options: { path: 'accounts.json' }, key: 'ExpenseType' },
      },
      transform: TRANSFORM,
      target: {
        connection: 'files',
        resource: 'records',
        options: { path: 'out.jsonl' },
        mode: 'create',
        key: 'Reference',
      },
    }),
  );
  return runSession({
    command: 'run',
    subject: { kind: 'pipeline-file', path: join(dir, 'bench.yaml') },
    registry: createRegistry([fileConnector]),
    logger: silentLogger(),
    stateUrl: `sqlite:${join(dir, 'state.db')}`,
    cwd: dir,
    keepOps: 0,
  });
}
