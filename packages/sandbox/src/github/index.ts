/** The GitHub REST API double: compare, commits, contents, repos, issues and comments. */
export { startGitHubDouble } from './double.js';
export type { GitHubDouble, GitHubDoubleOptions, GitHubRequestRecord } from './double.js';
export type { GitHubFault, GitHubFaults } from './faults.js';
export type { StoredComment, StoredIssue } from './issues.js';
export type { StoredPull, StoredReview } from './pulls.js';
export type { BranchProtection } from './git-repo.js';
