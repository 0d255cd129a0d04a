/**
 * Typed application errors. The problem filter turns each into RFC 9457 problem+json with a stable
 * `code`; anything else becomes a 500 that leaks nothing.
 */
export interface FieldError {
  /** JSON pointer-ish path, e.g. `body.title` or `query.limit` */
  field: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  constructor(
    public readonly code: string,
    message: string,
    public readonly errors?: FieldError[],
    public readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class Invalid extends AppError {
  readonly status = 400;
  readonly title = 'Invalid request';
  constructor(message: string, errors?: FieldError[], code = 'invalid') {
    super(code, message, errors);
  }
}

export class Unauthenticated extends AppError {
  readonly status = 401;
  readonly title = 'Authentication required';
  constructor(message = 'Sign in to continue.', code = 'unauthenticated') {
    super(code, message);
  }
}

export class Forbidden extends AppError {
  readonly status = 403;
  readonly title = 'Forbidden';
  constructor(message = 'You do not have permission to do this.', code = 'forbidden') {
    super(code, message);
  }
}

export class NotFound extends AppError {
  readonly status = 404;
  readonly title = 'Not found';
  constructor(what = 'Resource', code = 'not_found') {
    super(code, `${what} was not found.`);
  }
}

export class Conflict extends AppError {
  readonly status = 409;
  readonly title = 'Conflict';
  constructor(message: string, code = 'conflict', extra?: Record<string, unknown>) {
    super(code, message, undefined, extra);
  }
}

export class Gone extends AppError {
  readonly status = 410;
  readonly title = 'Gone';
  constructor(message: string, code = 'gone') {
    super(code, message);
  }
}

export class PayloadTooLarge extends AppError {
  readonly status = 413;
  readonly title = 'Payload too large';
  constructor(message: string, code = 'payload_too_large') {
    super(code, message);
  }
}

export class UnsupportedMediaType extends AppError {
  readonly status = 415;
  readonly title = 'Unsupported media type';
  constructor(message: string, code = 'unsupported_media_type') {
    super(code, message);
  }
}

export class Unprocessable extends AppError {
  readonly status = 422;
  readonly title = 'Unprocessable';
  constructor(message: string, code = 'unprocessable', errors?: FieldError[]) {
    super(code, message, errors);
  }
}

export class TooManyRequests extends AppError {
  readonly status = 429;
  readonly title = 'Too many requests';
  constructor(
    message: string,
    public readonly retryAfterSeconds?: number,
    code = 'rate_limited',
  ) {
    super(code, message);
  }
}

export class ServiceUnavailable extends AppError {
  readonly status = 503;
  readonly title = 'Service unavailable';
  constructor(message: string, code = 'unavailable') {
    super(code, message);
  }
}
