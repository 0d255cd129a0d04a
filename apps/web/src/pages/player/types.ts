import type { components } from '@lyceum/api-client';

type S = components['schemas'];
export type PlaybackStart = S['PlaybackStartDto_Output'];
export type HeartbeatResult = S['HeartbeatResultDto_Output'];
export type VideoAnalytics = S['VideoAnalyticsDto_Output'];
export type GeoRules = S['GeoRulesDto_Output'];
