import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from './context.js';

declare module 'fastify' {
  interface FastifyRequest {
    ctx?: RequestContext;
  }
}

/** Injects the request's RequestContext into a controller method. */
export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): RequestContext => {
  const req = host.switchToHttp().getRequest<FastifyRequest>();
  if (!req.ctx) throw new Error('RequestContext missing: is the AuthGuard installed?');
  return req.ctx;
});
