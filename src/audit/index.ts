export {
  AUDIT_ACTIONS,
  SIGNIFICANT_ACTIONS,
  isAuditAction,
  isSignificant,
  type AuditAction,
} from './actions.js';
export {
  GENESIS_HASH,
  canonicalJson,
  hashRecord,
  parseEntry,
  type AuditActor,
  type AuditEvent,
  type AuditRecord,
} from './record.js';
export { AuditLog, type AuditLogOptions, type ReadOptions } from './audit-log.js';
export { verifyChain, type Checkpoint, type VerifyProblem, type VerifyResult } from './verify.js';
export type { TrimOptions, TrimResult } from './trim.js';
export { exportRecords, csvField, CSV_COLUMNS, type ExportFormat } from './export.js';
export { AuditChannelPoster, formatAuditLine, type AuditChannelPosterOptions } from './channel-poster.js';
export { createAuditOutlets, type AuditOutlets } from './outlets.js';
