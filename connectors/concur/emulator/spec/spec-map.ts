/**
 * Which spec definition describes each emulator route's request and responses. Routes without a
 * published schema are listed in `UNSPECIFIED` with the reason, so coverage is explicit.
 */
import type { SchemaRef } from './validator.js';

export interface RouteSpec {
  file: string;
  request?: SchemaRef;
  /** Where `request` is defined when the spec file has no request schema (a `docs/` transcription). */
  requestFile?: string;
  /** By HTTP status; `error` applies to any status >= 400 not listed. */
  responses: Partial<Record<number | 'error', SchemaRef>>;
}

const FIS = 'v4-0/FinancialIntegrationService.swagger2.json';
/** The spec has no posting confirmation request body; its documented schema (doc-schemas.ts). */
const FIS_DOCS = 'docs/financial-integration-v4.json';
const FIS_ERRORS = { error: 'ExceptionJsonInfo' } as const;
const LIST_ITEM = 'v4-0/ListItem.swagger2.json';
const BULK = 'v4-0/ListItemBulk.swagger2.json';
const IDENTITY4 = 'v4-0/Identity.swagger2.json';
const IDENTITY41 = 'v4-1/Identity.swagger2.json';
const UPS = 'v4-0/UserProvisioning.swagger2.json';

function fisRoutes(base: string): Record<string, RouteSpec> {
  return {
    [`GET ${base}`]: { file: FIS, responses: { 200: 'PagedModelEntityModelFIDocument', ...FIS_ERRORS } },
    [`POST ${base}/acknowledgements`]: {
      file: FIS,
      request: 'AcknowledgeRequest',
      responses: { 200: { arrayOf: 'AcknowledgeResponseItem' }, ...FIS_ERRORS },
    },
    [`POST ${base}/postingconfirmations`]: {
      file: FIS,
      requestFile: FIS_DOCS,
      request: 'ConfirmationRequest',
      responses: { 200: { arrayOf: 'PostingConfirmationResponseItem' }, ...FIS_ERRORS },
    },
  };
}

export const SPEC_MAP: Record<string, RouteSpec> = {
  'POST /oauth2/v0/token': {
    file: 'draft/Oauth2-token.json',
    responses: { 200: 'TokenResponse', error: 'TokenErrorResponse' },
  },
  'GET /api/v3.0/expense/reports': { file: 'v3-0/Reports.swagger2.json', responses: { 200: 'ReportCollection' } },
  'GET /api/v3.0/expense/reports/:id': { file: 'v3-0/Reports.swagger2.json', responses: { 200: 'ReportGet' } },
  'GET /api/v3.0/expense/entries': { file: 'v3-0/Entries.swagger2.json', responses: { 200: 'EntryCollection' } },
  'GET /api/v3.0/expense/allocations': {
    file: 'v3-0/Allocations.swagger2.json',
    responses: { 200: 'AllocationCollection' },
  },
  'GET /api/v3.0/invoice/paymentrequestdigests': {
    file: 'v3-0/PaymentRequestDigest.swagger2.json',
    responses: { 200: 'PaymentRequestDigestCollection' },
  },
  'GET /api/v3.0/invoice/paymentrequestdigests/:id': {
    file: 'v3-0/PaymentRequestDigest.swagger2.json',
    responses: { 200: 'PaymentRequestDigest' },
  },
  'GET /api/v3.0/invoice/paymentrequest/:id': {
    file: 'v3-0/PaymentRequest.swagger2.json',
    responses: { 200: 'PaymentRequest' },
  },
  'GET /api/v3.0/invoice/localizeddata': {
    file: 'v3-0/LocalizedData.swagger2.json',
    responses: { 200: 'LocalizationDataCollection' },
  },
  'GET /api/v3.1/invoice/vendors': {
    file: 'v3-1/Vendors.swagger2.json',
    responses: { 200: 'VendorCollection', 400: 'Error' },
  },
  'POST /api/v3.1/invoice/vendors': {
    file: 'v3-1/Vendors.swagger2.json',
    request: 'VendorCollection',
    responses: { 200: 'VendorCollection', 400: 'Error' },
  },
  'PUT /api/v3.1/invoice/vendors': {
    file: 'v3-1/Vendors.swagger2.json',
    request: 'VendorCollection',
    responses: { 200: 'VendorCollection', 400: 'Error' },
  },
  'DELETE /api/v3.1/invoice/vendors': {
    file: 'v3-1/Vendors.swagger2.json',
    responses: { 200: 'VendorCollection', 400: 'Error' },
  },
  'GET /list/v4/lists': {
    file: 'v4-0/List.swagger2.json',
    responses: { 200: 'PagedResourcesListResponse', error: 'ErrorMessage' },
  },
  'GET /list/v4/lists/:listId': {
    file: 'v4-0/List.swagger2.json',
    responses: { 200: 'ListResponse', error: 'ErrorMessage' },
  },
  'GET /list/v4/lists/:listId/children': {
    file: LIST_ITEM,
    responses: { 200: 'PagedResourcesListItem', error: 'ErrorMessage' },
  },
  'GET /list/v4/lists/:listId/items/:itemId/children': {
    file: LIST_ITEM,
    responses: { 200: 'PagedResourcesListItem', error: 'ErrorMessage' },
  },
  'GET /list/v4/items/:itemId/children': {
    file: LIST_ITEM,
    responses: { 200: 'PagedResourcesListItem', error: 'ErrorMessage' },
  },
  'GET /list/v4/items/:itemId': { file: LIST_ITEM, responses: { 200: 'ListItem', error: 'ErrorMessage' } },
  'POST /list/v4/lists/:listId/bulk': {
    file: BULK,
    request: 'BulkListItemCreateRequest',
    // All parts failed: the bulk summary with status FAILURE; other 400s: the error envelope.
    responses: {
      201: 'BulkListItemResponse',
      206: 'BulkListItemResponse',
      400: { anyOf: ['BulkListItemResponse', 'ErrorMessage'] },
      error: 'ErrorMessage',
    },
  },
  'PATCH /list/v4/lists/:listId/bulk': {
    file: BULK,
    request: 'BulkListItemUpdateRequest',
    responses: {
      200: 'BulkListItemResponse',
      206: 'BulkListItemResponse',
      400: { anyOf: ['BulkListItemResponse', 'ErrorMessage'] },
      error: 'ErrorMessage',
    },
  },
  ...fisRoutes('/financialintegration/fi/v4/companies/transactiontypes/:docType/transactions'),
  ...fisRoutes('/api/v4.0/fi/v4/companies/transactiontypes/:docType/transactions'),
  'GET /profile/identity/v4/Users': { file: IDENTITY4, responses: { 200: 'UserList', error: 'ErrorResponse' } },
  'GET /profile/identity/v4/Users/:id': { file: IDENTITY4, responses: { 200: 'User', error: 'ErrorResponse' } },
  'GET /profile/identity/v4.1/Users': { file: IDENTITY41, responses: { 200: 'UserList', error: 'ErrorResponse' } },
  'POST /profile/identity/v4.1/Users/.search': {
    file: IDENTITY41,
    request: 'SearchRequest',
    responses: { 200: 'UserList', error: 'ErrorResponse' },
  },
  'GET /profile/identity/v4.1/Users/:id': { file: IDENTITY41, responses: { 200: 'User', error: 'ErrorResponse' } },
  'POST /profile/v4/Bulk': { file: UPS, request: 'BulkRequest', responses: { 202: 'ProvisionStatus' } },
  'PATCH /profile/v4/Bulk': { file: UPS, request: 'BulkRequest', responses: { 202: 'ProvisionStatus' } },
  'PUT /profile/v4/Bulk': { file: UPS, request: 'BulkRequest', responses: { 202: 'ProvisionStatus' } },
  'GET /profile/v4/provisions/:id/status': { file: UPS, responses: { 200: 'ProvisionStatus' } },
  'POST /profile/v4/Users': { file: UPS, request: 'UserCreate', responses: { 201: 'User' } },
  'PATCH /profile/v4/Users/:id': { file: UPS, request: 'PatchOp', responses: { 200: 'User' } },
  'PUT /profile/v4/Users/:id': { file: UPS, request: 'UserCreate', responses: { 200: 'User' } },
};

/** Routes whose shapes no spec file in the reference describes. */
export const UNSPECIFIED: Record<string, string> = {
  'GET /profile/spend/v4.1/Users': 'Spend User v4.1 specs were removed from the docs repository (see specs/README.md)',
  'GET /profile/spend/v4.1/Users/:id':
    'Spend User v4.1 specs were removed from the docs repository (see specs/README.md)',
};

/** SCIM error bodies on UPS routes are checked against Identity's ErrorResponse (same family). */
export const SCIM_ERROR: { file: string; ref: SchemaRef } = { file: IDENTITY41, ref: 'ErrorResponse' };
