export type { AuditActor, AuditEvent, AuditRecord } from './record.js';
export { GENESIS_HASH, hashRecord } from './record.js';
export { AuditLog } from './audit-log.js';
export { exportRecords, type ExportFormat } from './export.js';
export { AuditChannelPoster, formatAuditLine } from './channel-poster.js';
export { createAuditOutlets } from './outlets.js';
