import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodValidationException } from 'nestjs-zod';
import type { ZodError } from 'zod';
import { AppError, type FieldError, TooManyRequests } from './errors.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [key: string]: unknown;
}

const TYPE_BASE = 'https://lyceum.dev/problems/';

const HTTP_TITLES: Record<number, [string, string]> = {
  400: ['Invalid request', 'invalid'],
  401: ['Authentication required', 'unauthenticated'],
  403: ['Forbidden', 'forbidden'],
  404: ['Not found', 'not_found'],
  405: ['Method not allowed', 'method_not_allowed'],
  406: ['Not acceptable', 'not_acceptable'],
  409: ['Conflict', 'conflict'],
  413: ['Payload too large', 'payload_too_large'],
  415: ['Unsupported media type', 'unsupported_media_type'],
  422: ['Unprocessable', 'unprocessable'],
  429: ['Too many requests', 'rate_limited'],
};

export function zodFieldErrors(error: ZodError, prefix = 'body'): FieldError[] {
  return error.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].join('.'),
    message: i.code === 'unrecognized_keys' ? `Unknown field(s): ${i.keys.join(', ')}` : i.message,
  }));
}

/** Maps any thrown value onto an RFC 9457 problem. Unknown errors become an opaque 500. */
export function toProblem(err: unknown): { problem: Omit<Problem, 'instance' | 'requestId'>; internal: boolean; retryAfter?: number } {
  if (err instanceof AppError) {
    return {
      problem: {
        // extension members first: an extra can add to a problem, never replace its own members
        ...(err.extra ?? {}),
        type: TYPE_BASE + err.code,
        title: err.title,
        status: err.status,
        detail: err.message,
        code: err.code,
        ...(err.errors?.length ? { errors: err.errors } : {}),
      },
      internal: false,
      retryAfter: err instanceof TooManyRequests ? err.retryAfterSeconds : undefined,
    };
  }
  if (err instanceof ZodValidationException) {
    const zerr = err.getZodError() as ZodError;
    return {
      problem: {
        type: TYPE_BASE + 'validation_failed',
        title: 'Invalid request',
        status: 400,
        detail: 'The request did not pass validation; see `errors` for each field.',
        code: 'validation_failed',
        errors: zodFieldErrors(zerr, 'request'),
      },
      internal: false,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const [title, code] = HTTP_TITLES[status] ?? ['Error', 'error'];
    const resp = err.getResponse();
    const message =
      typeof resp === 'object' && resp && 'message' in resp ? String((resp as { message: unknown }).message) : err.message;
    return {
      problem: { type: TYPE_BASE + code, title, status, detail: status === 404 ? 'No such route.' : message, code: status === 404 ? 'route_not_found' : code },
      internal: status >= 500,
    };
  }
  const e = err as { statusCode?: number; code?: string; message?: string };
  // Fastify's own errors (bad JSON, body too large, wrong content type) and its rate limiter.
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const [title, code] = HTTP_TITLES[e.statusCode] ?? ['Invalid request', 'invalid'];
    return {
      problem: { type: TYPE_BASE + code, title, status: e.statusCode, detail: String(e.message ?? title), code },
      internal: false,
    };
  }
  // PostgreSQL errors that mean the input was wrong, not the server.
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
    if (e.code === '23505') {
      return { problem: { type: TYPE_BASE + 'conflict', title: 'Conflict', status: 409, detail: 'That already exists.', code: 'conflict' }, internal: false };
    }
    if (e.code === '22P02' || e.code === '22007' || e.code === '22008' || e.code === '22003') {
      return { problem: { type: TYPE_BASE + 'invalid', title: 'Invalid request', status: 400, detail: 'A value has the wrong format.', code: 'invalid' }, internal: false };
    }
  }
  return {
    problem: {
      type: TYPE_BASE + 'internal',
      title: 'Internal server error',
      status: 500,
      detail: 'Something went wrong on our side. Quote the request id when reporting it.',
      code: 'internal',
    },
    internal: true,
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: unknown): void {
  const { problem, internal, retryAfter } = toProblem(err);
  if (internal) request.log.error({ err }, 'unhandled error');
  if (retryAfter) void reply.header('retry-after', String(retryAfter));
  void reply
    .status(Number(problem.status))
    .type('application/problem+json')
    .send({ ...problem, instance: request.url, requestId: String(request.id) });
}

const NON_SPA = /^\/(api|health|metrics|socket\.io|files)(\/|$)/;

@Catch()
export class ProblemFilter implements ExceptionFilter {
  /** where the built web app lives: unknown GETs outside the API get its index.html (client routes) */
  static spaIndexDir: string | null = null;

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const path = request.url.split('?')[0] ?? '';
    if (
      ProblemFilter.spaIndexDir &&
      exception instanceof NotFoundException &&
      request.method === 'GET' &&
      !NON_SPA.test(path)
    ) {
      void (reply as FastifyReply & { sendFile(name: string, root: string): FastifyReply })
        .header('cache-control', 'no-cache')
        .sendFile('index.html', ProblemFilter.spaIndexDir);
      return;
    }
    sendProblem(reply, request, exception);
  }
}
