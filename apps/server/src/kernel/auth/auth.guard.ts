import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Unauthenticated } from '../errors/index.js';
import { IS_PUBLIC } from './public.decorator.js';
import { SESSION_RESOLVER, type SessionResolver } from './session-resolver.js';

/** Global guard: every route needs a signed-in caller unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(SESSION_RESOLVER) private readonly sessions: SessionResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const resolved = await this.sessions.resolve(req.headers);
    req.ctx = {
      requestId: String(req.id),
      ip: req.ip,
      actor: resolved?.actor ?? null,
      membership: resolved?.membership ?? null,
    };
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (!isPublic && !req.ctx.actor) throw new Unauthenticated();
    return true;
  }
}
