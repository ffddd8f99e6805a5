/**
 * Errors of our own routes. Each carries its HTTP status, an RFC-style `error` code and a
 * message safe to show; http/error-handler.ts renders them as JSON or as a page.
 * (Protocol endpoints use oidc-provider's own `errors` classes.)
 */
export class HttpError extends Error {
  readonly status: number;
  readonly error: string;
  readonly expose = true;
  constructor(status: number, error: string, message: string) {
    super(message);
    this.status = status;
    this.error = error;
  }
}

export class InvalidRequest extends HttpError {
  constructor(message = 'The request is invalid.') {
    super(400, 'invalid_request', message);
  }
}

export class InvalidCsrfToken extends HttpError {
  constructor() {
    super(403, 'invalid_request', 'This form has expired or was not sent by this site. Go back and try again.');
  }
}

export class NotFound extends HttpError {
  constructor() {
    super(404, 'not_found', 'There is nothing at this address.');
  }
}

export class ContentTooLarge extends HttpError {
  constructor() {
    super(413, 'invalid_request', 'The request body is too large.');
  }
}

export class UnsupportedMediaType extends HttpError {
  constructor(message = 'This form must be sent as application/x-www-form-urlencoded.') {
    super(415, 'invalid_request', message);
  }
}
