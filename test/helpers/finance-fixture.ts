/**
 * A small finance-page fixture: a state store, an expense pipeline whose G/L mapping (a JSONata
 * file) lacks some expense types (so records land in attention), a pipeline with
 * `approval: required` whose run saved a plan for approval by `alice`, and one user per role.
 * The memory connection's password is a planted secret (env) that must never appear on a page.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { addUser } from '../../engine/auth/users.js';
import { silentLogger } from '../../engine/runtime/logger.js';
import { runSession } from '../../engine/run/session.js';
import type { StateStore } from '../../engine/state/store.js';
import { financeApp } from '../../app/serve/app.js';
import { pageRunner, type PageRunner } from '../../app/serve/runner.js';
import { dataset, type MemoryDataset } from './memory-connector.js';
import { memoryRegistry } from './pipeline-fixture.js';

export const PLANTED_SECRET = 'planted-Secret-9f3c1e77d2';
export const PASSWORD = 'correct horse battery';
export const USERS = { viewer: 'vera', operator: 'oscar', approver: 'alice', approver2: 'bob' } as const;

export const EXPENSES = [
  { id: 'EXP-1', type: 'TRAVEL', amount: 120 },
  { id: 'EXP-2', type: 'HOTEL', amount: 310 },
  { id: 'EXP-3', type: 'FUEL', amount: 95 },
  { id: 'EXP-4', type: 'PARKING', amount: 40 },
  { id: 'EXP-5', type: 'MEALS', amount: 22 },
];

export function mappingFile(types: Record<string, string>): string {
  const rows = Object.entries(types).map(([type, account]) => ({ type, account }));
  return `(
  $gl := ${JSON.stringify(rows)};
  $t := type;
  $account := $gl[type = $t].account;
  $account ? { "id": id, "account": $account, "amount": amount }
    : $error("[config GL_MAPPING_MISSING] no G/L account for expense type " & type & ": add it to the mapping")
)
`;
}

export interface FinanceFixture {
  dir: string;
  env: NodeJS.ProcessEnv;
  expenses: { src: MemoryDataset; dst: MemoryDataset; mapping: string };
  /** Adds these expense types to the mapping (default: every one missing). */
  fixMapping(types?: Record<string, string>): void;
  runner: PageRunner;
  app: ReturnType<typeof financeApp>;
  planId: number;
}

export async function financeFixture(state: StateStore, dir: string, secureCookies = false): Promise<FinanceFixture> {
  const env = { ...process.env, MEMORY_PASSWORD: PLANTED_SECRET };
  writeFileSync(
    join(dir, 'connections.yaml'),
    stringify({
      connections: {
        src: { connector: 'memory', dataset: `${dir}:src`, password: '${env:MEMORY_PASSWORD}' },
        dst: { connector: 'memory', dataset: `${dir}:dst` },
        vsrc: { connector: 'memory', dataset: `${dir}:vsrc` },
        vdst: { connector: 'memory', dataset: `${dir}:vdst` },
      },
    }),
  );
  const mapping = join(dir, 'gl-mapping.jsonata');
  let fixed: Record<string, string> = { TRAVEL: '6100', MEALS: '6200' };
  writeFileSync(mapping, mappingFile(fixed));
  const pipe = (name: string, doc: Record<string, unknown>) => {
    writeFileSync(join(dir, `${name}.yaml`), stringify({ version: 1, name, ...doc }));
    return join(dir, `${name}.yaml`);
  };
  const expensesFile = pipe('expenses-to-ledger', {
    source: { connection: 'src', resource: 'records' },
    transform: { file: 'gl-mapping.jsonata' },
    target: { connection: 'dst', resource: 'records', mode: 'upsert', key: 'id' },
  });
  const vendorsFile = pipe('vendors-to-erp', {
    source: { connection: 'vsrc', resource: 'records' },
    transform: '{ "id": id, "name": name, "iban": iban }',
    target: { connection: 'vdst', resource: 'records', mode: 'upsert', key: 'id' },
    approval: 'required',
  });
  const src = dataset(`${dir}:src`);
  const dst = dataset(`${dir}:dst`);
  src.source = EXPENSES.map((e) => ({ ...e }));
  const vsrc = dataset(`${dir}:vsrc`);
  const vdst = dataset(`${dir}:vdst`);
  vdst.target.set('V-1', { id: 'V-1', record: { id: 'V-1', name: 'Acme GmbH', iban: 'DE00 1111' }, active: true });
  vsrc.source = [
    { id: 'V-1', name: 'Acme GmbH', iban: 'DE00 2222' },
    { id: 'V-2', name: 'Globex Ltd', iban: 'GB00 3333' },
  ];
  const common = { registry: memoryRegistry, logger: silentLogger(), state, env, cwd: dir };
  await runSession({ ...common, command: 'run', subject: { kind: 'pipeline-file', path: expensesFile } });
  const planned = await runSession({
    ...common,
    command: 'run',
    actor: USERS.approver,
    subject: { kind: 'pipeline-file', path: vendorsFile },
  });
  if (!planned.report.approval) throw new Error('the approval pipeline saved no plan');
  for (const [role, name] of Object.entries(USERS))
    await addUser(state, {
      username: name,
      role: role === 'approver2' ? 'approver' : (role as 'viewer' | 'operator' | 'approver'),
      password: PASSWORD,
      by: 'test',
    });
  const runner = pageRunner({ state, registry: memoryRegistry, logger: silentLogger(), pipelinesDir: dir, env });
  return {
    dir,
    env,
    expenses: { src, dst, mapping },
    fixMapping: (types = { HOTEL: '6300', FUEL: '6400', PARKING: '6500' }) => {
      fixed = { ...fixed, ...types };
      writeFileSync(mapping, mappingFile(fixed));
    },
    runner,
    app: financeApp({ state, runner, secureCookies }),
    planId: planned.report.approval.id,
  };
}
