export {
  startPrometheusSimulator,
  type PrometheusSimulator,
  type PrometheusSimulatorOptions,
} from './server.js';
export { normalizeQuery, formatValue } from './query.js';
