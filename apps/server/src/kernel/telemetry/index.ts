export { Metrics } from './metrics.js';
export { HealthController } from './health.controller.js';
export { createLogger, PinoNestLogger, redactUrl } from './logger.js';
