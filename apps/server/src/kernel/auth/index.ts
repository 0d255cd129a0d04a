export * from './context.js';
export { Public, IS_PUBLIC } from './public.decorator.js';
export { Ctx } from './ctx.decorator.js';
export { AuthGuard } from './auth.guard.js';
export { SESSION_RESOLVER } from './session-resolver.js';
export type { SessionResolver } from './session-resolver.js';
