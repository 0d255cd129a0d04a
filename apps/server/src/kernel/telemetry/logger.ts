import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/** URLs can carry secrets (reset tokens, signed-URL tokens): log paths without them. */
export function redactUrl(url: string): string {
  const [pathPart] = url.split('?');
  return (pathPart ?? '')
    .replace(/(\/reset-password\/)[^/]+/, '$1[redacted]')
    .replace(/(\/invitations\/)[^/]+/, '$1[redacted]');
}

export function createLogger(level: string, pretty = false): Logger {
  return pino({
    level,
    base: { service: 'lyceum' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.newPassword',
        '*.currentPassword',
        '*.token',
        '*.secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        ip: req.ip,
      }),
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, singleLine: true } } } : {}),
  });
}

/** Routes Nest's own log lines into pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}
  log(message: unknown, context?: string) {
    this.pino.info({ context }, String(message));
  }
  error(message: unknown, stack?: string, context?: string) {
    this.pino.error({ context, stack }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.pino.trace({ context }, String(message));
  }
}
