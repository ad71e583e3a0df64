/** Tag colours of incident states, shared by 我的报告 and the console. */
export const INCIDENT_STATE_COLORS: Record<string, string> = { reported: 'orange', triaged: 'blue', contained: 'purple', resolved: 'green', reviewed: 'default' };
