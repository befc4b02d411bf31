/**
 * What a new user needs before User Provisioning v4 accepts its creation. The spec
 * (`UserProvisioning.swagger2.json`) marks required: `timezone` and `preferredLanguage` (User),
 * `companyId` and `startDate` (EnterpriseUser), `cashAdvanceAccountCode` with `country`, `locale`
 * and `reimbursementCurrency` (SpendUser). The docs disagree on some of them: their schema table
 * gives `timezone` (default America/New_York) and `preferredLanguage` (default en-US) defaults and
 * marks `startDate` and `cashAdvanceAccountCode` optional, their `/Users` create example sends
 * `companyId` and `cashAdvanceAccountCode` but no `timezone`, `preferredLanguage` or `startDate`,
 * and the integration guide lists `cashAdvanceAccountCode` among a spend user's minimum attributes.
 * So every one of them is sent on create, whichever source is right:
 *
 * - `timezone`, `preferredLanguage`, `cashAdvanceAccountCode`: the record's, else the pipeline's
 *   `createDefaults` (ERPs rarely hold them); `preferredLanguage` then falls back to the spend
 *   locale (`en_US` written `en-US`), `timezone` to Concur's documented default;
 * - enterprise `companyId`: the company's UUID (the connection's `companyUuid`, else the one every
 *   existing user carries), which no ERP holds;
 * - enterprise `startDate`: the record's (an ERP hire date), else the day of the creation, in the
 *   spec's `YYYY-MM-DD'T'hh:mm:ss'Z'` form.
 *
 * Only creates are completed: an existing user is never compared with or sent these defaults, so a
 * value a user or administrator changes in Concur stays.
 */
import type { DataRecord } from '../../../engine/connector/types.js';
import { DOCUMENTED_DEFAULTS, type CreateDefaults } from './create-defaults.js';
import { ENTERPRISE_URN } from './user-directory.js';

type Json = Record<string, unknown>;

export const SPEND_USER_URN = 'urn:ietf:params:scim:schemas:extension:spend:2.0:User';

export interface NewUserContext {
  defaults: CreateDefaults;
  /** The company UUID for enterprise `companyId`; undefined when neither config nor Concur tells. */
  companyId: string | undefined;
  /** `YYYY-MM-DD`, the day of the creation. */
  today: string;
}

export type NewUser = { ok: true; record: DataRecord; filled: string[] } | { ok: false; missing: string[] };

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown): boolean => v === undefined || v === null || v === '';

/** The record a create sends: the record's own values, completed with what User Provisioning requires. */
export function completeNewUser(record: DataRecord, ctx: NewUserContext): NewUser {
  const out: DataRecord = structuredClone(record);
  const filled: string[] = [];
  const missing: string[] = [];
  const fill = (target: Json, field: string, label: string, value: string | undefined): void => {
    if (!absent(target[field])) return;
    if (value === undefined) missing.push(label);
    else {
      target[field] = value;
      filled.push(`${label} ${value}`);
    }
  };
  const spend = isObject(out[SPEND_USER_URN]) ? (out[SPEND_USER_URN] as Json) : undefined;
  const locale = typeof spend?.locale === 'string' && spend.locale !== '' ? spend.locale.replace('_', '-') : undefined;
  fill(out, 'timezone', 'timezone', ctx.defaults.timezone ?? DOCUMENTED_DEFAULTS.timezone);
  fill(
    out,
    'preferredLanguage',
    'preferredLanguage',
    ctx.defaults.preferredLanguage ?? locale ?? DOCUMENTED_DEFAULTS.preferredLanguage,
  );
  const enterprise: Json = isObject(out[ENTERPRISE_URN]) ? { ...(out[ENTERPRISE_URN] as Json) } : {};
  fill(enterprise, 'companyId', 'enterprise companyId', ctx.companyId);
  fill(enterprise, 'startDate', 'enterprise startDate', `${ctx.today}T00:00:00Z`);
  out[ENTERPRISE_URN] = enterprise;
  if (spend) fill(spend, 'cashAdvanceAccountCode', 'spend cashAdvanceAccountCode', ctx.defaults.cashAdvanceAccountCode);
  return missing.length > 0 ? { ok: false, missing } : { ok: true, record: out, filled };
}

/** Why a new user cannot be created, for attention: what is missing and where to set it. */
export function incompleteMessage(userName: unknown, missing: string[]): string {
  const hints = missing.map((m) =>
    m === 'enterprise companyId'
      ? 'enterprise companyId (set companyUuid on the Concur connection)'
      : m === 'spend cashAdvanceAccountCode'
        ? 'spend cashAdvanceAccountCode (map it in the transform or set target.options.createDefaults.cashAdvanceAccountCode)'
        : m,
  );
  return `user ${String(userName)} cannot be created: User Provisioning requires ${hints.join(' and ')}`;
}
