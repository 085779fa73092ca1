/**
 * GitHub REST error bodies: `{ message, documentation_url, status }` (+ `errors` on 422), the
 * shape @octokit/request turns into a RequestError.
 */
export class GitHubApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly docs = 'https://docs.github.com/rest',
    readonly errors?: Record<string, unknown>[],
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      message: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      documentation_url: this.docs,
      status: String(this.status),
    };
  }
}

export const notFound = (docs?: string) => new GitHubApiError(404, 'Not Found', docs);

export const validationFailed = (resource: string, field: string, code = 'missing_field', docs?: string) =>
  new GitHubApiError(422, 'Validation Failed', docs, [{ resource, code, field }]);
