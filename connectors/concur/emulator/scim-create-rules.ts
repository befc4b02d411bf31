/**
 * What User Provisioning requires of a user it creates (`POST /Users`, a bulk `POST`), in one of two
 * readings of the reference, because the spec and the docs disagree:
 *
 * | attribute | spec (`UserProvisioning.swagger2.json`) | docs (DOC:user-provisioning/v4.user-provisioning) |
 * |---|---|---|
 * | `userName`, `name`, `emails`, `active` | required | required |
 * | `timezone` | required | default America/New_York |
 * | `preferredLanguage` | required | default en-US |
 * | enterprise `companyId` | required | required (the `/Users` and bulk examples send it) |
 * | enterprise `startDate` | required | optional (the examples omit it) |
 * | spend `reimbursementCurrency`, `country`, `locale` | required (when the extension is sent) | required |
 * | spend `cashAdvanceAccountCode` | required (when the extension is sent) | optional (the `/Users` example sends it) |
 *
 * `spec` (the default) is the stricter reading, so a client that passes it works with either. A
 * create that lacks an attribute is refused with 400 `invalidValue`, the SCIM error carrying the
 * Concur message (`code`, `message`, `schemaPath`, `type`; UPS `ConcurError`); in a bulk request the
 * operation fails with that message under the extension the attribute belongs to.
 *
 * Not documented, so assumed: a `companyId` other than the company's own is refused (the token
 * belongs to one company); `timezone` must be an IANA zone (the docs point to their own list);
 * `startDate` is a date or date-time (the spec says `YYYY-MM-DD'T'hh:mm:ss'Z'`, the docs' table
 * `YYYY-MM-DD`, their GET example `2020-09-22T14:26:00.000`). Only creates are checked this way:
 * the demo's existing users predate these rules, and PATCH/PUT keep their own checks.
 */
import { ScimError } from './scim-patch.js';
import type { Json } from './state.js';

export const USER_CREATE_RULES = ['spec', 'docs'] as const;
export type UserCreateRules = (typeof USER_CREATE_RULES)[number];

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SPEND_USER = 'urn:ietf:params:scim:schemas:extension:spend:2.0:User';
export const DOCUMENTED_DEFAULTS = { timezone: 'America/New_York', preferredLanguage: 'en-US' } as const;
const START_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The extension a schema path belongs to (the core User when it names no extension). */
export function extensionOf(schemaPath: string | undefined): string {
  for (const urn of [ENTERPRISE, SPEND_USER]) if (schemaPath?.startsWith(`${urn}:`)) return urn;
  return CORE_USER;
}

/** Documented defaults a `docs` reading applies before the checks. */
export function applyDocumentedDefaults(user: Json, rules: UserCreateRules): void {
  if (rules !== 'docs') return;
  if (!present(user.timezone)) user.timezone = DOCUMENTED_DEFAULTS.timezone;
  if (!present(user.preferredLanguage)) user.preferredLanguage = DOCUMENTED_DEFAULTS.preferredLanguage;
}

/** Throws the SCIM error a create that breaks the rules gets; the first attribute at fault is its `schemaPath`. */
export function checkUserCreate(user: Json, rules: UserCreateRules, companyUuid: string): void {
  const missing: string[] = [];
  const need = (ok: boolean, path: string): void => {
    if (!ok) missing.push(path);
  };
  need(
    Array.isArray(user.emails) && user.emails.length > 0 && user.emails.every((e) => isObject(e) && present(e.value)),
    'emails',
  );
  need(typeof user.active === 'boolean', 'active');
  need(present(user.timezone), 'timezone');
  need(present(user.preferredLanguage), 'preferredLanguage');
  const ent = isObject(user[ENTERPRISE]) ? user[ENTERPRISE] : {};
  need(present(ent.companyId), `${ENTERPRISE}:companyId`);
  if (rules === 'spec') need(present(ent.startDate), `${ENTERPRISE}:startDate`);
  const spend = user[SPEND_USER];
  if (isObject(spend) && rules === 'spec')
    need(present(spend.cashAdvanceAccountCode), `${SPEND_USER}:cashAdvanceAccountCode`);
  if (missing.length > 0) {
    const which = missing.length === 1 ? 'attribute' : 'attributes';
    throw new ScimError(400, `Required ${which} missing: ${missing.join(', ')}`, 'invalidValue', missing[0]);
  }
  const invalid = (path: string, message: string): ScimError => new ScimError(400, message, 'invalidValue', path);
  if (!isTimeZone(String(user.timezone)))
    throw invalid('timezone', `timezone ${String(user.timezone)} is not a time zone of the Olson database`);
  if (String(ent.companyId).toLowerCase() !== companyUuid.toLowerCase())
    throw invalid(`${ENTERPRISE}:companyId`, `companyId ${String(ent.companyId)} is not this company's id`);
  if (ent.startDate !== undefined && !(typeof ent.startDate === 'string' && START_DATE.test(ent.startDate)))
    throw invalid(`${ENTERPRISE}:startDate`, `startDate ${JSON.stringify(ent.startDate)} is not a date`);
}
