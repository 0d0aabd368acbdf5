/**
 * A host where listening on a TCP port is refused (no loopback interface, a sandbox that forbids
 * it): history mode's blob reader then reads git through a local socket (src/workspace/git-objects.ts,
 * `socketOutput`). Every `Server.listen` on a port fails with `message` (its first word, e.g.
 * `EACCES`, as the code) until `restore`; a listen on a path (a local socket) goes through.
 */
import { Server } from 'node:net';

export function refuseTcpListen(message: string): { refused: () => number; reset: () => void; restore: () => void } {
  const listen = Server.prototype.listen;
  let refused = 0;
  const code = /\b(E[A-Z]+)\b/.exec(message)?.[1] ?? 'EACCES';
  Server.prototype.listen = function (this: Server, ...args: unknown[]) {
    if (typeof args[0] !== 'number') return (listen as (...all: unknown[]) => Server).apply(this, args);
    refused++;
    process.nextTick(() => this.emit('error', Object.assign(new Error(message), { code })));
    return this;
  } as typeof listen;
  return {
    refused: () => refused,
    reset: () => {
      refused = 0;
    },
    restore: () => {
      Server.prototype.listen = listen;
    },
  };
}
