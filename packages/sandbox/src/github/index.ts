/** The GitHub REST API double: compare, commits, contents, repos, issues and comments. */
export { startGitHubDouble } from './double.js';
export type { GitHubDouble, GitHubDoubleOptions, GitHubRequestRecord } from './double.js';
export type { GitHubFault, GitHubFaults } from './faults.js';
export type { StoredComment, StoredIssue } from './issues.js';
