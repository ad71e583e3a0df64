export { myIncidentViewSchema, reportIncidentSchema, type MyIncidentView, type ReportIncident } from '../../../../common/schemas/incidents.js';
