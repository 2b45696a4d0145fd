/**
 * The answer envelope `{success, errorCode, errorText, responseObject}` and the error every
 * handler throws to answer a failure with it.
 */
import { ERROR_CODES, MESSAGES } from './paths';

export interface Envelope {
  success: boolean;
  errorCode: number;
  errorText: string;
  responseObject: unknown;
}

export function ok(responseObject: unknown): Envelope {
  return { success: true, errorCode: 0, errorText: '', responseObject };
}

/** A failure answered with the envelope: `status` is the HTTP status (unless errorsAsHttp200). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
    readonly responseObject: unknown = null,
  ) {
    super(message);
  }

  envelope(): Envelope {
    return {
      success: false,
      errorCode: this.errorCode,
      errorText: this.message,
      responseObject: this.responseObject,
    };
  }
}

export const badRequest = (text: string): ApiError => new ApiError(400, ERROR_CODES.badRequest, text);
export const notFound = (text: string): ApiError => new ApiError(404, ERROR_CODES.notFound, text);
/** A per-record refusal of a create or step action: HTTP 200, `Succeed: false`. */
export const refused = (text: string): ApiError =>
  new ApiError(200, ERROR_CODES.refused, text, { Succeed: false });
export const denied = (): ApiError => new ApiError(401, ERROR_CODES.denied, MESSAGES.denied);
