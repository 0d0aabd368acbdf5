/**
 * Serialises work per key (a repository) inside this process. Webhooks for one repository can
 * arrive together (a redelivery racing the original); running their sync one after the other is
 * what keeps issue creation idempotent. Several replicas share work through the BullMQ queue,
 * which gives each repository one job at a time.
 */
const tails = new Map<string, Promise<unknown>>();

export async function withRepoLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(work);
  tails.set(key, run);
  try {
    return await run;
  } finally {
    if (tails.get(key) === run) tails.delete(key);
  }
}
