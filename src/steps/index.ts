export { createStepRegistry, BUILTIN_STEPS, type StepRegistry } from './registry.js';
export type { StepContext, StepImplementation, StepResult } from './types.js';
export { EffectLedger } from './effects.js';
export { interpolate, interpolateText, placeholderValues, type Env } from './interpolate.js';
