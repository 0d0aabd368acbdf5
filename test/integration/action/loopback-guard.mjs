/**
 * Preloaded (NODE_OPTIONS=--import) into every Node process of a local-action run: each process
 * that loads it and each outgoing TCP connection is appended to NHI_CONNECT_LOG, and a connection
 * to anything but loopback is refused, so a test can prove that nothing left the machine.
 */
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const log = process.env.NHI_CONNECT_LOG;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
const connect = net.Socket.prototype.connect;
if (log) appendFileSync(log, `loaded ${process.pid}\n`);

net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = args[0];
  // net.connect() passes its normalised [options, callback]; socket.connect() takes (options) or (port, host).
  const options = Array.isArray(first) ? first[0] : typeof first === 'object' && first !== null ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  if (options.port !== undefined) {
    const host = String(options.host ?? 'localhost');
    if (log) appendFileSync(log, `connect ${host}:${String(options.port)}\n`);
    if (!LOOPBACK.test(host)) {
      process.nextTick(() => this.destroy(new Error(`loopback guard: connection to ${host} refused`)));
      return this;
    }
  }
  return connect.apply(this, args);
};
