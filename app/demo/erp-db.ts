/**
 * The demo company's ERP database (HR tables an ERP exposes, read by the erp-db-* pipelines):
 * created and seeded through knex, so the same seed runs on the embedded SQLite file and on MariaDB.
 * Derived from the Concur fixture users: the 36 employees Concur already knows (three of them
 * changed in the ERP since), four new hires, and the cost-object approvers.
 */
import { readFileSync } from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import { parseStateUrl } from '../../engine/state/url.js';

export const ERP_TABLES = { employees: 'hr_employees', approvers: 'hr_cost_object_approvers' } as const;

interface FixtureUser {
  externalId: string;
  userName: string;
  active: boolean;
  name: { givenName: string; familyName: string };
  'urn:ietf:params:scim:schemas:extension:spend:2.0:User'?: {
    reimbursementCurrency?: string;
    country?: string;
    locale?: string;
    customData?: { id: string; value: string }[];
  };
}

export interface ErpEmployee {
  employee_number: string;
  first_name: string;
  last_name: string;
  email: string;
  division: string;
  cost_center: string;
  country: string;
  currency: string;
  locale: string;
  active: number;
  updated_at: string;
}

export interface ErpApprover {
  id: number;
  employee_number: string;
  approval_type: string;
  division: string;
  cost_center: string;
  approval_limit: number;
  currency: string;
  updated_at: string;
}

const usersFile = new URL('../../connectors/concur/emulator/fixtures/demo/users.json', import.meta.url);

const NEW_HIRES: [string, string, string, string, string][] = [
  ['E1037', 'Kofi', 'Asante', 'SALES', 'CC110'],
  ['E1038', 'Lena', 'Vogel', 'RND', 'CC200'],
  ['E1039', 'Mateo', 'Ruiz', 'OPS', 'CC310'],
  ['E1040', 'Nadia', 'Karim', 'GNA', 'CC400'],
];

export function erpSeed(): { employees: ErpEmployee[]; approvers: ErpApprover[] } {
  const users = JSON.parse(readFileSync(usersFile, 'utf8')) as FixtureUser[];
  const employees: ErpEmployee[] = users.map((u) => {
    const spend = u['urn:ietf:params:scim:schemas:extension:spend:2.0:User'] ?? {};
    const org = (id: string): string => spend.customData?.find((c) => c.id === id)?.value ?? '';
    return {
      employee_number: u.externalId,
      first_name: u.name.givenName,
      last_name: u.name.familyName,
      email: u.userName,
      division: org('orgUnit1'),
      cost_center: org('orgUnit2'),
      country: spend.country ?? 'US',
      currency: spend.reimbursementCurrency ?? 'USD',
      locale: spend.locale ?? 'en-US',
      active: u.active ? 1 : 0,
      updated_at: '2024-01-08T09:00:00',
    };
  });
  // Changes made in the ERP since the last sync: a transfer, a name change, a leaver.
  const byNumber = new Map(employees.map((e) => [e.employee_number, e]));
  Object.assign(byNumber.get('E1010')!, { division: 'RND', cost_center: 'CC200', updated_at: '2024-06-03T08:00:00' });
  Object.assign(byNumber.get('E1015')!, { last_name: 'Nguyen-Hart', updated_at: '2024-06-04T08:00:00' });
  Object.assign(byNumber.get('E1030')!, { active: 0, updated_at: '2024-06-05T08:00:00' });
  for (const [n, first, last, division, cc] of NEW_HIRES) {
    employees.push({
      employee_number: n,
      first_name: first,
      last_name: last,
      email: `${first}.${last}@northwind.example`.toLowerCase(),
      division,
      cost_center: cc,
      country: 'US',
      currency: 'USD',
      locale: 'en-US',
      active: 1,
      updated_at: '2024-06-10T08:00:00',
    });
  }
  // One report approver per cost center (the first eight employees, as in Concur) and two new ones.
  const approvers: ErpApprover[] = employees.slice(0, 8).map((e, i) => ({
    id: i + 1,
    employee_number: e.employee_number,
    approval_type: 'report',
    division: e.division,
    cost_center: e.cost_center,
    approval_limit: 5000,
    currency: 'USD',
    updated_at: '2024-01-08T09:00:00',
  }));
  approvers.push(
    {
      id: 9,
      employee_number: 'E1001',
      approval_type: 'report',
      division: 'SALES',
      cost_center: 'CC110',
      approval_limit: 2500,
      currency: 'USD',
      updated_at: '2024-06-10T08:00:00',
    },
    {
      id: 10,
      employee_number: 'E1007',
      approval_type: 'payment',
      division: 'GNA',
      cost_center: 'CC400',
      approval_limit: 25000,
      currency: 'USD',
      updated_at: '2024-06-10T08:00:00',
    },
  );
  return { employees, approvers };
}

export async function createErpSchema(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists(ERP_TABLES.approvers);
  await knex.schema.dropTableIfExists(ERP_TABLES.employees);
  await knex.schema.createTable(ERP_TABLES.employees, (t) => {
    t.string('employee_number', 16).primary();
    t.string('first_name', 64).notNullable();
    t.string('last_name', 64).notNullable();
    t.string('email', 128).notNullable();
    t.string('division', 16).notNullable();
    t.string('cost_center', 16).notNullable();
    t.string('country', 2).notNullable();
    t.string('currency', 3).notNullable();
    t.string('locale', 8).notNullable();
    t.integer('active').notNullable();
    t.string('updated_at', 32).notNullable();
  });
  await knex.schema.createTable(ERP_TABLES.approvers, (t) => {
    t.integer('id').primary();
    t.string('employee_number', 16).notNullable();
    t.string('approval_type', 16).notNullable();
    t.string('division', 16).notNullable();
    t.string('cost_center', 16).notNullable();
    t.decimal('approval_limit', 12, 2).notNullable();
    t.string('currency', 3).notNullable();
    t.string('updated_at', 32).notNullable();
  });
}

/** Creates the ERP tables and loads the demo rows; `url` is `sqlite:<path>` or `mysql://...`. */
export async function seedErpDatabase(url: string): Promise<void> {
  const knex = knexFactory(parseStateUrl(url).knexConfig);
  try {
    await createErpSchema(knex);
    const { employees, approvers } = erpSeed();
    await knex.batchInsert(ERP_TABLES.employees, employees, 100);
    await knex.batchInsert(ERP_TABLES.approvers, approvers, 100);
  } finally {
    await knex.destroy();
  }
}
