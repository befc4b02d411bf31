/**
 * An error the AR-platform API answers with: `{ "error": { "code", "message", "details"? } }` and an
 * HTTP status. `apiCode` values are the emulator's own (snake_case), listed in docs/emulators.md.
 */
import { SluiceError } from '../../../engine/errors.js';

export interface FieldProblem {
  field: string;
  message: string;
}

export type ApiStatus = 400 | 401 | 404 | 409 | 422 | 429 | 500 | 503;

export class ApiFault extends SluiceError {
  constructor(
    readonly httpStatus: ApiStatus,
    readonly apiCode: string,
    message: string,
    readonly problems?: FieldProblem[],
  ) {
    super('AR_PLATFORM_EMULATOR_FAULT', message, { status: httpStatus, remoteCode: apiCode });
  }

  body(): { error: { code: string; message: string; details?: FieldProblem[] } } {
    return { error: { code: this.apiCode, message: this.message, ...(this.problems && { details: this.problems }) } };
  }
}
