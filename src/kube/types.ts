/**
 * Raw Kubernetes objects as the API server sends them. rollbot reads what it writes back (pod
 * templates) as plain JSON, never through client-node's typed models, which drop fields they do
 * not know (a template field newer than the client would silently vanish on undo).
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface RawMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  [key: string]: unknown;
}

export interface RawPodTemplate {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: {
    containers?: { name: string; image?: string; [key: string]: unknown }[];
    initContainers?: { name: string; image?: string; [key: string]: unknown }[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface DeploymentCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface RawDeployment {
  apiVersion?: string;
  kind?: string;
  metadata: RawMeta;
  spec: {
    replicas?: number;
    paused?: boolean;
    selector?: LabelSelector;
    template: RawPodTemplate;
    progressDeadlineSeconds?: number;
    [key: string]: unknown;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: DeploymentCondition[];
    [key: string]: unknown;
  };
}

export interface RawReplicaSet {
  apiVersion?: string;
  kind?: string;
  metadata: RawMeta;
  spec: { replicas?: number; selector?: LabelSelector; template: RawPodTemplate; [key: string]: unknown };
  status?: Record<string, unknown>;
}

export interface RawList<T> {
  items: T[];
  metadata?: { continue?: string; resourceVersion?: string };
}

/** A Deployment reference: `namespace/name`. */
export interface DeploymentRef {
  namespace: string;
  name: string;
}

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
