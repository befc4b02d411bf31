import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractModel, parseMetadata } from './extract.js';
import { edmModel, SERVED_ENTITY_SETS } from './model.js';

const MODEL_SOURCE = 'metadata-v1.xml (SAP-archive/SAP-Business-One-Service-Layer-SDK), user-defined fields removed';
import { referenceMetadata } from './reference.js';

describe('emulator entity data model', () => {
  it('model.json is exactly what extract.ts derives from the real v1 $metadata', async () => {
    const derived = extractModel(referenceMetadata(), SERVED_ENTITY_SETS, MODEL_SOURCE);
    // A file snapshot: after changing SERVED_ENTITY_SETS or extract.ts, `npx vitest run -u` rewrites it.
    await expect(`${JSON.stringify(derived)}\n`).toMatchFileSnapshot('./model.json');
  });

  it('knows the key, the property types and the read-only flags of the entity types it serves', () => {
    const m = edmModel();
    expect(m.entitySets.JournalEntries).toBe('JournalEntry');
    expect(m.entitySets.Invoices).toBe('Document');
    expect(m.entityTypes.JournalEntry?.key).toEqual(['JdtNum']);
    expect(m.entityTypes.JournalEntry?.properties.JournalEntryLines).toBe('Collection(SAPB1.JournalEntryLine)');
    expect(m.entityTypes.JournalEntry?.readOnly).toContain('Number');
    expect(m.complexTypes.JournalEntryLine?.properties.CostingCode).toBe('Edm.String');
    expect(m.entityTypes.BusinessPartner?.properties.CreditLimit).toBe('Edm.Double');
    expect(m.enums.BoCardTypes).toEqual({ cCustomer: 'C', cSupplier: 'S', cLid: 'L' });
    expect(Object.keys(m.entityTypes.BusinessPartner?.properties ?? {}).some((p) => p.startsWith('U_'))).toBe(false);
  });

  it('parses EDMX attributes in any order and keeps enum values as strings', () => {
    const xml = `<?xml version="1.0"?><edmx:Edmx xmlns:edmx="x"><edmx:DataServices><Schema Namespace="SAPB1">
      <EnumType Name="E"><Member Value="1" Name="one"/></EnumType>
      <EntityType Name="T"><Key><PropertyRef Name="K"/></Key><Property Type="Edm.Int32" Name="K" Writable="false"/></EntityType>
      <EntityContainer Name="C"><EntitySet EntityType="SAPB1.T" Name="Ts"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>`;
    const parsed = parseMetadata(xml);
    expect(parsed.enums.get('E')).toEqual({ one: '1' });
    expect(parsed.entityTypes.get('T')).toEqual({ key: ['K'], properties: { K: 'Edm.Int32' }, readOnly: ['K'] });
    expect(parsed.entitySets.get('Ts')).toBe('T');
  });

  it('rejects an entity set the metadata does not have', () => {
    expect(() => extractModel(referenceMetadata(), ['NoSuchSet'], 'x')).toThrow(/NoSuchSet/);
  });

  it('the model file stays small enough to load at emulator start', () => {
    const size = readFileSync(new URL('./model.json', import.meta.url)).length;
    expect(size).toBeLessThan(200_000);
  });
});
