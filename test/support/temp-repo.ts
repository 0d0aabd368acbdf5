/** A git repository for one test, removed when the test ends (pass or fail). */
import { onTestFinished } from 'vitest';
import { HistoryRepo } from './history-repo.js';

export function tempRepo(prefix: string): HistoryRepo {
  const repo = new HistoryRepo(prefix);
  onTestFinished(() => repo.cleanup());
  return repo;
}
