import { describe, expect, it } from 'vitest';
import { composeExtractor, extractCompose } from '../../../src/core/identities/compose.js';
import { countBy, extractSet, fixtureFiles } from './fixture-set.js';

const set = extractSet(composeExtractor, fixtureFiles('compose'));
const edges = (id: string) => set.byId(id).usedBy.map((u) => `${u.via} ${u.id} @${u.line} app=${u.app}`).sort();

describe('compose extractor over fixtures/iac/compose', () => {
  it('finds exactly these records, by type', () => {
    expect(countBy(set.records, (r) => `${r.kind} ${r.type}`)).toEqual({ 'credential env': 5, 'credential secret': 3, 'credential env_file': 2 });
    expect(set.records.filter((r) => r.type === 'env').map((r) => r.id).sort()).toEqual([
      'compose:env/db/POSTGRES_PASSWORD',
      'compose:env/grafana/GF_SECURITY_ADMIN_PASSWORD',
      'compose:env/web/DATABASE_URL',
      'compose:env/web/SESSION_SECRET',
      'compose:env/worker/SESSION_SECRET',
    ]);
  });

  it('a literal credential: line, service edge, never the value', () => {
    const url = set.byId('compose:env/web/DATABASE_URL');
    expect([url.file, url.line, url.namespace, url.attributes]).toEqual(['shop/docker-compose.yml', 16, 'web', { literal: true, urlWithPassword: true }]);
    expect(edges(url.id)).toEqual(['environment compose:service/web @16 app=web']);
    const admin = set.byId('compose:env/grafana/GF_SECURITY_ADMIN_PASSWORD');
    expect([admin.file, admin.line]).toEqual(['monitoring/compose.yaml', 6]);
    const dump = JSON.stringify(set.records);
    for (const value of ['fixture-session-secret-not-real', 'fixture-db-pass', 'fixture-admin-pass', 'devpassword-fixture']) expect(dump).not.toContain(value);
  });

  it('merge keys: each service using the anchored block gets its own record at the merge line', () => {
    expect([set.byId('compose:env/web/SESSION_SECRET').line, set.byId('compose:env/worker/SESSION_SECRET').line]).toEqual([14, 28]);
  });

  it('top-level secrets with their source and the services using them', () => {
    expect(set.byId('compose:secret/db_password').attributes).toEqual({ source: 'file', path: './secrets/db_password.txt' });
    expect(edges('compose:secret/db_password')).toEqual(['secrets compose:service/db @41 app=db', 'secrets compose:service/worker @32 app=worker']);
    expect(set.byId('compose:secret/stripe_webhook_secret').attributes).toEqual({ source: 'environment', variable: 'STRIPE_WEBHOOK_SECRET' });
    expect(set.byId('compose:secret/remote_write_token').attributes).toEqual({ source: 'external', externalName: 'prod_remote_write_token' });
  });

  it('env_file references resolve against the compose file directory', () => {
    expect(edges('compose:env_file/shop/.env')).toEqual(['env_file compose:service/web @19 app=web', 'env_file compose:service/worker @30 app=worker']);
    expect(edges('compose:env_file/shop/config/web.env')).toEqual(['env_file compose:service/web @20 app=web']);
  });

  it('a malformed file is one error with line and column; other files still extract', () => {
    expect(set.errors).toEqual([{ file: 'dev/compose.broken.yml', line: 7, column: 1, message: 'malformed YAML: unexpected end of the stream within a double quoted scalar' }]);
  });

  it('an alias bomb in a compose file is refused', () => {
    const bomb = ['x-a: &a [1,1,1,1,1,1,1,1,1,1]'];
    for (let i = 1; i < 8; i++) bomb.push(`x-${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10).fill(`*${'abcdefgh'[i - 1]}`).join(',')}]`);
    const result = extractCompose({ path: 'docker-compose.yml', content: `${bomb.join('\n')}\nservices: {}\n` });
    expect(result.errors).toEqual([{ file: 'docker-compose.yml', line: 5, column: 33, message: 'YAML rejected: aliases expand to more than 100000 nodes (possible "billion laughs" alias bomb)' }]);
  });
});
