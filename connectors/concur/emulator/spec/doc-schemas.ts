/**
 * Request schemas the vendored spec files lack, transcribed from the published docs' schema tables
 * (never edited spec bytes; each definition names its source). Loaded by SpecRegistry like a spec
 * file, under a `docs/` name.
 *
 * - `docs/financial-integration-v4.json`: FinancialIntegrationService.swagger2.json declares no
 *   request body for `postingconfirmations` (only a servlet `request` query parameter). Source:
 *   DOC:financial-integration/v4.financial-integration, "Confirmation Request", "Posting
 *   Confirmation Request Item", "Posting Documents Details", "System Messages". `fiscalYear` is
 *   int32 in the table but a string ("2018") in every example, so both are accepted;
 *   `messageLongText` is typed `array` in the table but a string in every example: both accepted.
 */
type Schema = Record<string, unknown>;

const text = (maxLength?: number): Schema => ({ type: 'string', ...(maxLength !== undefined && { maxLength }) });

export const DOC_SCHEMA_FILES: Record<string, Record<string, Schema>> = {
  'docs/financial-integration-v4.json': {
    ConfirmationRequest: {
      type: 'object',
      required: ['systemId', 'postingConfirmations'],
      properties: {
        systemId: text(50),
        postingConfirmations: { type: 'array', items: { $ref: '#/definitions/PostingConfirmationRequestItem' } },
      },
    },
    PostingConfirmationRequestItem: {
      type: 'object',
      required: ['docId', 'overallPostingStatusCode', 'systemMessages'],
      properties: {
        docId: { type: 'string', minLength: 1, maxLength: 32 },
        overallPostingStatusCode: { type: 'string', enum: ['error', 'success'] },
        postingDocs: { type: 'array', items: { $ref: '#/definitions/PostingDocumentDetails' } },
        systemMessages: { type: 'array', items: { $ref: '#/definitions/SystemMessage' } },
      },
    },
    PostingDocumentDetails: {
      type: 'object',
      required: ['companyId'],
      properties: {
        companyId: { type: 'string', minLength: 1, maxLength: 32 },
        documentNumber: text(80),
        fiscalYear: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\d{4}$' }] },
        paymentRelevantLineItems: { type: 'array' },
        postingDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
      },
    },
    SystemMessage: {
      type: 'object',
      properties: {
        concurTransactionLineItemId: text(),
        messageId: text(),
        messageLanguage: text(),
        messageLongText: { anyOf: [text(1300), { type: 'array', items: text() }] },
        messageShortText: text(1300),
      },
    },
  },
};
