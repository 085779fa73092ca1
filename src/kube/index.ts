/**
 * The Kubernetes adapter rollbot uses: one `KubeGateway` over one set of clients. Steps and the
 * CLI go through it; nothing else talks to the API server.
 */
import { createKubeClients, type KubeClientOptions, type KubeClients } from './client.js';
import { type HistoryEntry, readDeployment, readHistory } from './history.js';
import { planUndo, type UndoPlan, type UndoTarget } from './plan.js';
import { waitRollout, type WaitOptions, type WaitResult } from './rollout-status.js';
import type { RawDeployment } from './types.js';
import { rolloutUndo, type UndoOptions, type UndoResult } from './undo.js';

export interface KubeGatewayApi {
  readDeployment(namespace: string, name: string): Promise<RawDeployment>;
  history(namespace: string, name: string): Promise<HistoryEntry[]>;
  planUndo(namespace: string, name: string, target?: UndoTarget): Promise<UndoPlan>;
  rolloutUndo(
    planOrArgs: UndoPlan | (UndoTarget & { namespace: string; name: string }),
    opts?: UndoOptions,
  ): Promise<UndoResult>;
  waitRollout(namespace: string, name: string, opts: WaitOptions): Promise<WaitResult>;
}

export class KubeGateway implements KubeGatewayApi {
  constructor(readonly clients: KubeClients) {}

  static fromOptions(opts: KubeClientOptions = {}): KubeGateway {
    return new KubeGateway(createKubeClients(opts));
  }

  readDeployment(namespace: string, name: string): Promise<RawDeployment> {
    return readDeployment(this.clients.raw, namespace, name);
  }

  async history(namespace: string, name: string): Promise<HistoryEntry[]> {
    return (await readHistory(this.clients.raw, namespace, name)).entries;
  }

  planUndo(namespace: string, name: string, target: UndoTarget = {}): Promise<UndoPlan> {
    return planUndo(this.clients.raw, namespace, name, target);
  }

  rolloutUndo(
    planOrArgs: UndoPlan | (UndoTarget & { namespace: string; name: string }),
    opts: UndoOptions = {},
  ): Promise<UndoResult> {
    return rolloutUndo(this.clients.raw, planOrArgs, opts);
  }

  waitRollout(namespace: string, name: string, opts: WaitOptions): Promise<WaitResult> {
    return waitRollout(this.clients.kc, this.clients.raw, namespace, name, opts);
  }

  /**
   * The API server answers these credentials: GET /version, which every authenticated identity
   * may read (system:public-info-viewer), so it needs no RBAC beyond rollbot's. For readiness.
   */
  async ping(): Promise<void> {
    await this.clients.raw.request({
      method: 'GET',
      path: '/version',
      action: { verb: 'get', resource: 'version', group: '', namespace: '' },
    });
  }
}

export type { RolloutCounts } from './rollout-status.js';
export { PAUSED_MESSAGE } from './undo.js';
