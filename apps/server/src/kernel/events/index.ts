export { EventBus, defineEvent } from './events.service.js';
export type { EventDef, EventHandler, EventContext, EventEnvelope } from './events.service.js';
export { eventReceipts } from './events.schema.js';
