/**
 * What the console page reads from its server: `GET /api/info` (the workspace, the services that
 * can page, every endpoint). One definition for the server that builds it and the page that uses it.
 */
export interface ConsoleService {
  service: string;
  channel: string;
  namespace: string;
  deployment: string;
}

export interface ConsoleInfo {
  team: string;
  bot: { id: string; name: string };
  users: { id: string; name: string; realName?: string | undefined }[];
  groups: { id: string; handle: string }[];
  channels: { id: string; name: string }[];
  services: ConsoleService[];
  urls: Record<'console' | 'bot' | 'slack' | 'kubernetes' | 'prometheus' | 'github', string>;
  kubectl: string;
}
