export { RealtimeModule } from './realtime.module.js';
export { RealtimeService, SOCKET_PATH, userRoom, orgRoom } from './realtime.service.js';
export type { RealtimeClient, JoinPolicy, MessageHandler, Ack } from './realtime.service.js';
export { createRedis, redisReachable } from './redis.js';
