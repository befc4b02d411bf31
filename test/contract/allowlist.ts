/**
 * The one allow-list of the contract check: everything it tolerates beyond the vendored specs, each
 * entry with its reason and where it is documented. Only vendor contradictions and spec defects with
 * evidence belong here (see test/contract/README.md); a mismatch between connector or emulator and a
 * spec that is right is fixed, not listed, and one that cannot be fixed here yet is an open finding
 * (open-findings.ts), printed by every run that hits it.
 *
 * Concur: SPEC_CORRECTIONS (applied to the loaded specs, never to the files), PATH_ALIASES (documented
 * paths vs the specs' base paths), UNSPECIFIED (operations whose spec is not vendored).
 * SAP Business One: LOGIN_LANGUAGE.
 */
import { sapB1Model, type EdmProperty } from './sap-b1/metadata.js';

type Json = Record<string, unknown>;

export interface SpecCorrection {
  file: string;
  /** What is corrected and why, with the source. */
  reason: string;
  apply(spec: Json): void;
}

export interface PathAlias {
  /** The path as the connector sends it (and the docs write it). */
  wire: RegExp;
  /** Replacement giving the path as the spec's basePath / servers make it. */
  spec: string;
  reason: string;
}

export interface Unspecified {
  method: string;
  path: RegExp;
  reason: string;
}

const FACTS = '/work/shared/reference/concur-api.md';
const B1_FACTS = '/work/shared/reference/sap-b1-service-layer.md';
const defs = (spec: Json): Record<string, Json> => spec.definitions as Record<string, Json>;
const schemas = (spec: Json): Record<string, Json> => (spec.components as Json).schemas as Record<string, Json>;
const props = (schema: Json): Record<string, Json> => schema.properties as Record<string, Json>;
const op = (spec: Json, path: string, method: string): Json =>
  (spec.paths as Record<string, Json>)[path]![method] as Json;

const FIS_BASE = '/fi/v4/companies/transactiontypes/{docType}/transactions';

/** The posting confirmation body as fact sheet §5 step 4 documents it (the spec has no request body). */
const POSTING_CONFIRMATIONS: Json = {
  type: 'object',
  required: ['postingConfirmations'],
  properties: {
    systemId: { type: 'string', maxLength: 50 },
    postingConfirmations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['docId', 'overallPostingStatusCode'],
        properties: {
          docId: { type: 'string', maxLength: 32 },
          overallPostingStatusCode: { type: 'string', enum: ['success', 'error'] },
          postingDocs: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                companyId: { type: 'string', maxLength: 32 },
                documentNumber: { type: 'string', maxLength: 80 },
                fiscalYear: { type: 'string' },
                postingDate: { type: 'string' },
                paymentRelevantLineItems: { type: 'array' },
              },
            },
          },
          systemMessages: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                concurTransactionLineItemId: { type: 'string' },
                messageId: { type: 'string' },
                messageLanguage: { type: 'string' },
                messageShortText: { type: 'string', maxLength: 1300 },
                messageLongText: { type: 'string', maxLength: 1300 },
              },
            },
          },
        },
      },
    },
  },
};

export const SPEC_CORRECTIONS: SpecCorrection[] = [
  {
    file: 'draft/Oauth2-token.json',
    reason: `${FACTS} §10 "token_type": Bearer (docs) vs enum bearer (draft spec); read case-insensitively`,
    apply: (s) => void (defs(s).TokenType!.enum = ['bearer', 'Bearer']),
  },
  {
    file: 'draft/Oauth2-token.json',
    reason: `${FACTS} §10 "id token field": id_token (docs) vs idtoken (draft spec); §10 "refresh_expires_in": number, string or absent; §10 "expires_in": "3600" vs 3600`,
    apply: (s) => {
      const p = props(defs(s).TokenResponse!);
      p.id_token = { type: 'string' };
      p.refresh_expires_in = { type: ['integer', 'string'] };
      p.expires_in = { type: ['string', 'integer'] };
    },
  },
  {
    file: 'v4-0/FinancialIntegrationService.swagger2.json',
    reason: `the spec's required query parameter acknowledgeRequest is the request body (a springdoc artifact of the Java signature; the same operation defines it as requestBody); ${FACTS} §5 step 2 sends it as JSON body`,
    apply: (s) => {
      const o = op(s, `${FIS_BASE}/acknowledgements`, 'post');
      o.parameters = (o.parameters as Json[]).filter((p) => p.name !== 'acknowledgeRequest');
    },
  },
  {
    file: 'v4-0/FinancialIntegrationService.swagger2.json',
    reason: `the spec gives postingconfirmations no request body, only a query parameter "request" typed as the Java HttpServletRequest (springdoc artifact); the body is the one ${FACTS} §5 step 4 documents, checked with that shape`,
    apply: (s) => {
      const o = op(s, `${FIS_BASE}/postingconfirmations`, 'post');
      o.parameters = (o.parameters as Json[]).filter((p) => p.name !== 'request');
      schemas(s).SluicePostingConfirmations = POSTING_CONFIRMATIONS;
      o.requestBody = {
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/SluicePostingConfirmations' } } },
      };
    },
  },
  {
    file: 'v4-0/UserProvisioning.swagger2.json',
    reason:
      'BulkRequest types every operation\'s data as User and its path as the enum ["/Users"], although its own method enum has PUT and PATCH, which address one user (RFC 7644 §3.7: path "/Users/{id}", PATCH data is a PatchOp); PatchOp.Operations is typed object, RFC 7644 §3.5.2 and every example make it an array',
    apply: (s) => {
      const d = defs(s);
      const item = (props(d.BulkRequest!).Operations as Json).items as Json;
      props(item).path = { type: 'string', pattern: '^/Users(/[^/]+)?$' };
      props(item).data = { anyOf: [{ $ref: '#/definitions/User' }, { $ref: '#/definitions/PatchOp' }] };
      const patch = props(d.PatchOp!);
      patch.Operations = { type: 'array', items: patch.Operations };
    },
  },
  {
    file: 'v4-0/UserProvisioning.swagger2.json',
    reason:
      "PatchOp value is typed object; RFC 7644 §3.5.2 lets it be any JSON value (a string for displayName, an array for emails), as the docs' PATCH examples show",
    apply: (s) => {
      const items = props(defs(s).PatchOp!).Operations as Json;
      delete props((items.items ?? items) as Json).value!.type;
    },
  },
  {
    file: 'v4-0/UserProvisioning.swagger2.json',
    reason:
      'ProvisionStatus lacks "schemas" and "meta", which every status example in the UPS docs carries (meta.location: concur-api.md §8)',
    apply: (s) => {
      const p = props(defs(s).ProvisionStatus!);
      p.schemas = { type: 'array', items: { type: 'string' } };
      p.meta = { type: 'object' };
    },
  },
  {
    file: 'v4-0/UserProvisioning.swagger2.json',
    reason:
      'User has no "schemas" (RFC 7643 §3: every SCIM resource carries it; the docs\' examples send it) and requires "id", which the service provider assigns (RFC 7643 §3.1, mutability readOnly); the spend extension is documented with customData and requires reimbursementCurrency, country, locale (concur-api.md §8), the spec has schemaCustomData and also requires cashAdvanceAccountCode',
    apply: (s) => {
      const d = defs(s);
      const user = props(d.User!);
      user.schemas = { type: 'array', items: { type: 'string' } };
      user.id = { ...user.id, readOnly: true };
      const spend = d.SpendUser!;
      props(spend).customData = {
        type: 'array',
        items: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, value: { type: 'string' } } },
      };
      spend.required = ['reimbursementCurrency', 'country', 'locale'];
    },
  },
  {
    file: 'v4-0/List.swagger2.json',
    reason:
      'ListCategory requires "value", a property it does not define (only id and type): a typo in the spec. concur-api.md §7 documents category{id,type}, as do the docs\' schema table and every example; the Concur emulator answers {id, type} and pins it (connectors/concur/emulator/lists.test.ts)',
    apply: (s) => void (defs(s).ListCategory!.required = []),
  },
  {
    file: 'v3-1/Vendors.swagger2.json',
    reason:
      'VendorCollection.Vendor is a single Vendor in the spec; concur-api.md §6 documents POST / PUT bodies {"Vendor":[..]} and lists of vendors (the XML-derived JSON repeats the element, like "LineItems.LineItem as array or single object" in §10)',
    apply: (s) => {
      const p = props(defs(s).VendorCollection!);
      p.Vendor = {
        anyOf: [{ $ref: '#/definitions/Vendor' }, { type: 'array', items: { $ref: '#/definitions/Vendor' } }],
      };
    },
  },
  {
    file: 'v3-1/Vendors.swagger2.json',
    reason:
      'Vendor.required lists "CurrenyCode" (a typo: the property is CurrencyCode); concur-api.md §6: v3.1 requires CountryCode and CurrencyCode',
    apply: (s) => {
      const v = defs(s).Vendor!;
      v.required = (v.required as string[]).map((r) => (r === 'CurrenyCode' ? 'CurrencyCode' : r));
    },
  },
  {
    file: 'v3-0/PaymentRequestDigest.swagger2.json',
    reason:
      "concur-api.md §6 documents the digest filter lastModifiedDateAfter=YYYY-MM-DD, which the spec's parameter list lacks",
    apply: (s) => {
      const o = op(s, '/invoice/paymentrequestdigests', 'get');
      o.parameters = [...(o.parameters as Json[]), { name: 'lastModifiedDateAfter', in: 'query', type: 'string' }];
    },
  },
];

export const PATH_ALIASES: PathAlias[] = [
  {
    wire: /^\/oauth2\/v0\/token$/,
    spec: '/oauth2/token/token',
    reason: `${FACTS} §10 "OAuth path": /oauth2/v0/token (docs) vs basePath /oauth2/token (draft spec)`,
  },
  {
    wire: /^\/financialintegration\/fi\/v4\//,
    spec: '/api/v4.0/fi/v4/',
    reason: `${FACTS} §10 "FIS base": /financialintegration/fi/v4/... (docs, SAP sample) vs servers .../api/v4.0 + /fi/v4/... (spec)`,
  },
  {
    wire: /^\/api\/v3\.0\/invoice\/paymentrequest(?=\/|$)/,
    spec: '/concur/api/v3.0/invoice/paymentrequest',
    reason: `the spec's host is the SAP API Business Hub sandbox (basePath /concur/api/v3.0, specs/README.md); ${FACTS} §6 gives /api/v3.0/invoice/paymentrequest`,
  },
];

export const UNSPECIFIED: Unspecified[] = [
  {
    method: 'GET',
    path: /^\/profile\/spend\/v4\.1\/Users(\/[^/]+)?$/,
    reason:
      'Spend User v4.1: its spec was removed from the docs repository (specs/README.md "Not included"); the shape is in concur-api.md §8',
  },
];

/** SAP Business One: the fact sheet's "Known contradictions" (sap-b1-service-layer.md §11). */
export const LOGIN_LANGUAGE = {
  reason: `${B1_FACTS} §11 "Login Language": string "3", number, or absent (the $metadata types it Edm.String)`,
  accepts: (value: unknown): boolean => typeof value === 'string' || Number.isInteger(value),
  /** Login's parameters as the $metadata's FunctionImport Login declares them. */
  parameters: (): EdmProperty[] => sapB1Model().functions.get('Login')?.[0]?.parameters ?? [],
};
