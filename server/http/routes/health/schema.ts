export { healthViewSchema, type HealthView } from '../../../../common/schemas/health.js';
