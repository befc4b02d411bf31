/**
 * Request bodies the API accepts, as JSON Schemas checked with Ajv: a body that does not fit gets
 * 422 `validation_failed` with one `details` entry per problem (`field` is a JSON pointer).
 */
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ApiFault } from './api-error.js';
import { CUSTOMER_STATUSES, INVOICE_STATUSES } from './model.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }));

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const nullableText = (maxLength: number) => ({ type: ['string', 'null'], maxLength }) as const;
const amount = { type: 'number', minimum: 0, maximum: 1e12 } as const;
const currency = { type: 'string', pattern: '^[A-Z]{3}$' } as const;
const date = { type: 'string', format: 'date' } as const;

export const CUSTOMER_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'currency'],
  properties: {
    externalId: text(50),
    name: text(100),
    currency,
    email: { type: ['string', 'null'], maxLength: 254 },
    country: { type: ['string', 'null'], pattern: '^[A-Z]{2}$' },
    status: { enum: [...CUSTOMER_STATUSES] },
  },
} as const;

export const INVOICE_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['number', 'customerExternalId', 'currency', 'amount', 'openAmount', 'issueDate', 'dueDate'],
  properties: {
    erpDocumentId: text(50),
    number: text(50),
    customerExternalId: text(50),
    currency,
    amount,
    openAmount: amount,
    issueDate: date,
    dueDate: date,
    status: { enum: [...INVOICE_STATUSES] },
    customerReference: nullableText(100),
  },
} as const;

export const DECISION_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: { note: nullableText(254) },
} as const;

function problems(errors: ErrorObject[] | null | undefined): { field: string; message: string }[] {
  return (errors ?? []).map((e) => {
    const missing =
      e.keyword === 'required' ? `/${String((e.params as { missingProperty: string }).missingProperty)}` : '';
    const extra =
      e.keyword === 'additionalProperties'
        ? `/${String((e.params as { additionalProperty: string }).additionalProperty)}`
        : '';
    return { field: `${e.instancePath}${missing}${extra}` || '/', message: e.message ?? e.keyword };
  });
}

/** A checker for one body schema: returns the body typed, or throws 422 with every problem. */
export function bodyChecker<T>(schema: object): (body: unknown) => T {
  const validate = ajv.compile(schema);
  return (body) => {
    if (validate(body)) return body as T;
    throw new ApiFault(422, 'validation_failed', 'the request body is not valid', problems(validate.errors));
  };
}
