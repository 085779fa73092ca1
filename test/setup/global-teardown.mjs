export default async function globalTeardown() {
  globalThis.__rollbotRedisChild?.kill();
}
