/**
 * A mistake the user can fix (bad flag, unknown format, unreadable config, bad git ref): the CLI
 * prints the message on one line and exits 2, never with a stack trace.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `error.code` of a Node system error, when there is one (one definition, beside the file reader in core). */
export { errnoCode } from '../core/parallel/read-file.js';
