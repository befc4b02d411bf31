/** Checks and defaults shared by the entity sets' business rules. */
import type { Entity } from '../edm/codec.js';
import type { EntitySetName } from '../edm/model.js';
import { ENTITY_SETS } from '../entity-sets.js';
import { faults } from '../errors.js';
import type { RuleContext } from './types.js';

export function requireString(entity: Entity, field: string, typeName: string, maxLength?: number): string {
  const v = entity[field];
  if (typeof v !== 'string' || v.trim() === '')
    throw faults.businessRule(`${field} is mandatory [${typeName}.${field}]`);
  checkLength(entity, field, typeName, maxLength ?? Infinity);
  return v;
}

/** Field lengths (from DI API table definitions); the Service Layer rejects longer values. */
export function checkLength(entity: Entity, field: string, typeName: string, maxLength: number, line?: number): void {
  const v = entity[field];
  if (typeof v === 'string' && v.length > maxLength) {
    const where = line === undefined ? `[${typeName}.${field}]` : `[${typeName}.${field}][line: ${line}]`;
    throw faults.businessRule(
      `Value too long in property '${field}' of '${typeName}' (maximum ${maxLength} characters) ${where}`,
    );
  }
}

export function checkLengths(entity: Entity, limits: Record<string, number>, typeName: string, line?: number): void {
  for (const [field, max] of Object.entries(limits)) checkLength(entity, field, typeName, max, line);
}

export function assertNew(ctx: RuleContext, key: string | number, message: string): void {
  if (ctx.store.get(ctx.set, key)) throw faults.businessRule(message);
}

/** Defaults applied only where the payload left a field out. */
export function withDefaults(entity: Entity, defaults: Entity): Entity {
  const out: Entity = { ...entity };
  for (const [k, v] of Object.entries(defaults)) if (out[k] === undefined || out[k] === null) out[k] = v;
  return out;
}

/**
 * PATCH semantics: properties present replace stored ones; collections are merged (appended) unless
 * `B1S-ReplaceCollectionsOnPatch: true`. The key cannot change.
 */
export function mergePatch(ctx: RuleContext, existing: Entity, patch: Entity): Entity {
  const keyProp = ENTITY_SETS[ctx.set].key;
  if (patch[keyProp] !== undefined && patch[keyProp] !== existing[keyProp]) {
    throw faults.businessRule(`${keyProp} cannot be changed`);
  }
  const out: Entity = { ...existing };
  for (const [k, v] of Object.entries(patch)) {
    const old = existing[k];
    out[k] = Array.isArray(v) && Array.isArray(old) && !ctx.replaceCollections ? [...(old as unknown[]), ...v] : v;
  }
  return out;
}

export function touchUpdated(ctx: RuleContext, entity: Entity): Entity {
  return { ...entity, UpdateDate: ctx.clock.today(), UpdateTime: ctx.clock.timeOfDay() };
}

/** Is a code used anywhere in journal entry lines or documents (then it cannot be deleted)? */
export function isReferenced(ctx: RuleContext, test: (line: Entity, header: Entity) => boolean): boolean {
  const sets: EntitySetName[] = ['JournalEntries', 'Invoices', 'CreditNotes', 'IncomingPayments'];
  for (const set of sets) {
    for (const header of ctx.store.all(set)) {
      const lines = (header.JournalEntryLines ?? header.DocumentLines ?? []) as Entity[];
      if (test(header, header) || lines.some((l) => test(l, header))) return true;
    }
  }
  return false;
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Amounts compared to the cent. */
export function cents(n: number): number {
  return Math.round(n * 100);
}

export function asNumber(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}
