/**
 * `Status` error bodies exactly as the apiserver writes them (k8s.io/apimachinery
 * pkg/api/errors/errors.go): same codes, reasons, messages and `details` shapes, because clients
 * (kubectl, client-node, rollbot's adapter) branch on `reason` and show `message` to operators.
 */

export interface GroupResource {
  group: string;
  resource: string;
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** A failure the HTTP layer turns into a `Status` response. */
export class KubeStatusError extends Error {
  constructor(readonly status: StatusBody) {
    super(status.message ?? status.reason ?? 'error');
    this.name = 'KubeStatusError';
  }
  get code(): number {
    return this.status.code;
  }
}

/** `deployments.apps`, or `pods` for the core group (schema.GroupResource.String()). */
export function grString(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function failure(
  code: number,
  reason: string,
  message: string,
  details?: StatusBody['details'],
): KubeStatusError {
  const body: StatusBody = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details) body.details = compactDetails(details);
  return new KubeStatusError(body);
}

/** Go's omitempty: empty strings and zero numbers are not written. */
function compactDetails(d: NonNullable<StatusBody['details']>): NonNullable<StatusBody['details']> {
  const out: NonNullable<StatusBody['details']> = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes && d.causes.length > 0) out.causes = d.causes;
  if (d.retryAfterSeconds) out.retryAfterSeconds = d.retryAfterSeconds;
  return out;
}

export function notFound(gr: GroupResource, name: string): KubeStatusError {
  return failure(404, 'NotFound', `${grString(gr)} "${name}" not found`, {
    name,
    group: gr.group,
    kind: gr.resource,
  });
}

/** A path the server does not serve at all (no resource matched): the apiserver's bare 404. */
export function pathNotFound(): KubeStatusError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(gr: GroupResource, name: string): KubeStatusError {
  return failure(409, 'AlreadyExists', `${grString(gr)} "${name}" already exists`, {
    name,
    group: gr.group,
    kind: gr.resource,
  });
}

export const OPTIMISTIC_LOCK_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(gr: GroupResource, name: string, why = OPTIMISTIC_LOCK_MESSAGE): KubeStatusError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${grString(gr)} "${name}": ${why}`, {
    name,
    group: gr.group,
    kind: gr.resource,
  });
}

export interface FieldError {
  /** `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueForbidden`. */
  type: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueForbidden';
  field: string;
  /** The text after `field: ` (e.g. `Required value`, `Invalid value: -1: must be …`). */
  body: string;
}

/** `Deployment.apps "x" is invalid: a: Required value, b: …` — kind (not resource) in the message. */
export function invalid(group: string, kind: string, name: string, errs: FieldError[]): KubeStatusError {
  const qk = group ? `${kind}.${group}` : kind;
  const agg = errs.map((e) => `${e.field}: ${e.body}`);
  const joined = agg.length === 1 ? agg[0]! : `[${agg.join(', ')}]`;
  return failure(422, 'Invalid', `${qk} "${name}" is invalid: ${joined}`, {
    name,
    group,
    kind,
    causes: errs.map((e) => ({ reason: e.type, message: e.body, field: e.field })),
  });
}

/** What a failed JSON-patch operation (e.g. `test`) yields: NewGenericServerResponse(422, …). */
export function patchRejected(): KubeStatusError {
  return failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

export function forbidden(gr: GroupResource, name: string, why: string): KubeStatusError {
  const message = name
    ? `${grString(gr)} "${name}" is forbidden: ${why}`
    : `${grString(gr)} is forbidden: ${why}`;
  return failure(403, 'Forbidden', message, { name, group: gr.group, kind: gr.resource });
}

export function badRequest(message: string): KubeStatusError {
  return failure(400, 'BadRequest', message);
}

export function methodNotSupported(gr: GroupResource, action: string): KubeStatusError {
  return failure(
    405,
    'MethodNotAllowed',
    `${action} is not supported on resources of kind "${grString(gr)}"`,
    {
      group: gr.group,
      kind: gr.resource,
    },
  );
}

export function unsupportedMediaType(accepted: string[]): KubeStatusError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function unauthorized(): KubeStatusError {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

export function resourceExpired(message: string): KubeStatusError {
  return failure(410, 'Expired', message);
}

export function internalError(message: string): KubeStatusError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** A Status for an arbitrary HTTP code, worded as NewGenericServerResponse would (fault injection). */
export function genericStatus(code: number): KubeStatusError {
  const table: Record<number, [string, string]> = {
    400: ['BadRequest', 'the server rejected our request for an unknown reason'],
    401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
    403: ['Forbidden', 'forbidden'],
    404: ['NotFound', 'the server could not find the requested resource'],
    409: ['Conflict', 'the server reported a conflict'],
    410: ['Expired', 'the resource version is too old'],
    422: ['Invalid', 'the server rejected our request due to an error in our request'],
    429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
    503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
    504: [
      'Timeout',
      'the server was unable to return a response in the time allotted, but may still be processing the request',
    ],
  };
  const [reason, message] =
    table[code] ??
    (code >= 500
      ? ['InternalError', `Internal error occurred: injected fault`]
      : ['', `the server responded with the status code ${code} but did not return more information`]);
  const body: StatusBody = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    code,
  };
  if (reason) body.reason = reason;
  if (code === 429) body.details = { retryAfterSeconds: 1 };
  return new KubeStatusError(body);
}

/** What DELETE answers for objects removed at once (the generic registry: no `code`). */
export function successStatus(gr: GroupResource, name: string, uid: string): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: compactDetails({ name, group: gr.group, kind: gr.resource, uid }),
  };
}

/** A method the route does not take (e.g. POST to a named object): go-restful's 405. */
export function methodNotAllowed(): KubeStatusError {
  return failure(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  );
}
