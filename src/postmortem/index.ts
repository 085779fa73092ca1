export { renderPostmortem, GITHUB_BODY_LIMIT } from './render.js';
export type {
  PostmortemInput,
  Person,
  RevisionInfo,
  RevertedCommit,
  StepResult,
  VerificationResult,
  Instant,
} from './input.js';
export { humanDuration, between } from './markdown.js';
