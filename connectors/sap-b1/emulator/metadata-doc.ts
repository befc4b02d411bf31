/**
 * `GET /b1s/vN/$metadata` for the entity sets the emulator serves: EDMX 1.0 (v1: Edm.DateTime,
 * Edm.Time, FunctionImport) or EDMX 4.0 (v2: Edm.DateTimeOffset, Edm.TimeOfDay, actions).
 */
import { edmModel } from './edm/model.js';
import type { ProtocolVersion } from './edm/codec.js';
import type { EdmStructuredType } from './edm/types.js';

const V2_TYPES: Record<string, string> = { 'Edm.DateTime': 'Edm.DateTimeOffset', 'Edm.Time': 'Edm.TimeOfDay' };

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function properties(t: EdmStructuredType, version: ProtocolVersion): string {
  return Object.entries(t.properties)
    .map(([name, type]) => {
      const mapped = version === 'v2' ? type.replace(/Edm\.(DateTime|Time)\b/, (m) => V2_TYPES[m] ?? m) : type;
      return `<Property Name="${attr(name)}" Type="${attr(mapped)}"/>`;
    })
    .join('');
}

const SESSION_TYPE =
  '<EntityType Name="B1Session"><Key><PropertyRef Name="SessionId"/></Key><Property Name="SessionId" Type="Edm.String" Nullable="false"/><Property Name="Version" Type="Edm.String"/><Property Name="SessionTimeout" Type="Edm.Int32"/></EntityType>';
const LOGIN_PARAMS = ['CompanyDB', 'UserName', 'Password', 'Language']
  .map((p) => `<Parameter Name="${p}" Type="Edm.String"/>`)
  .join('');

export function metadataDocument(version: ProtocolVersion): string {
  const model = edmModel();
  const enums = Object.entries(model.enums)
    .map(
      ([name, members]) =>
        `<EnumType Name="${name}">${Object.entries(members)
          .map(([m, v]) => `<Member Name="${attr(m)}" Value="${attr(v)}"/>`)
          .join('')}</EnumType>`,
    )
    .join('');
  const complex = Object.entries(model.complexTypes)
    .map(([name, t]) => `<ComplexType Name="${name}">${properties(t, version)}</ComplexType>`)
    .join('');
  const entities = Object.entries(model.entityTypes)
    .map(
      ([name, t]) =>
        `<EntityType Name="${name}"><Key>${t.key.map((k) => `<PropertyRef Name="${k}"/>`).join('')}</Key>${properties(t, version)}</EntityType>`,
    )
    .join('');
  const sets = Object.entries(model.entitySets)
    .map(([set, type]) => `<EntitySet Name="${set}" EntityType="SAPB1.${type}"/>`)
    .join('');
  const types = enums + complex + entities + SESSION_TYPE;
  if (version === 'v1') {
    return (
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">' +
      '<edmx:DataServices m:DataServiceVersion="3.0" m:MaxDataServiceVersion="3.0" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">' +
      `<Schema Namespace="SAPB1" xmlns="http://schemas.microsoft.com/ado/2009/11/edm">${types}` +
      `<EntityContainer Name="ServiceLayer" m:IsDefaultEntityContainer="true">${sets}<EntitySet Name="B1Sessions" EntityType="SAPB1.B1Session"/>` +
      `<FunctionImport Name="Login" ReturnType="SAPB1.B1Session" m:HttpMethod="POST">${LOGIN_PARAMS}</FunctionImport>` +
      '<FunctionImport Name="Logout" m:HttpMethod="POST"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>'
    );
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>' +
    `<Schema Namespace="SAPB1" xmlns="http://docs.oasis-open.org/odata/ns/edm">${types}` +
    `<Action Name="Login">${LOGIN_PARAMS}<ReturnType Type="SAPB1.B1Session"/></Action><Action Name="Logout"/>` +
    `<EntityContainer Name="ServiceLayer">${sets}<EntitySet Name="B1Sessions" EntityType="SAPB1.B1Session"/>` +
    '<ActionImport Name="Login" Action="SAPB1.Login"/><ActionImport Name="Logout" Action="SAPB1.Logout"/>' +
    '</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>'
  );
}
