export { loadConfig, envSchema, ConfigError } from './config.js';
export type { AppConfig, Env } from './config.js';
export const APP_CONFIG = Symbol('APP_CONFIG');
